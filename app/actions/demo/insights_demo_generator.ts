import { parseTrailers, isAiAssisted } from '#services/domain/commit_trailers'

/**
 * The rows of a believable engineering organisation, generated
 * deterministically from a seed: repositories of uneven activity, pull
 * requests opened mostly on weekdays in working hours, a few slow-review
 * repositories, commits whose AI share (by trailers) grows over the
 * months, production deployments with incidents and restores, issues and
 * vulnerabilities of every severity and age. Pure: no database here.
 */
export type InsightsDemoOptions = {
  repositories: number
  pullRequests: number
  months: number
  seed?: number
  /** the moment the history ends (default: now) */
  now?: number
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
export const DEMO_EXTERNAL_PREFIX = 'insights-demo-'

const AREAS = [
  'orbit',
  'payload',
  'telemetry',
  'navigation',
  'thrust',
  'docking',
  'mission',
  'ground',
  'crew',
  'beacon',
]
const KINDS = [
  'api',
  'service',
  'worker',
  'web',
  'sdk',
  'pipeline',
  'gateway',
  'console',
  'scheduler',
  'store',
]
const LANGUAGES = ['TypeScript', 'Go', 'Python', 'Kotlin', 'Rust']
const PEOPLE = [
  'amara',
  'bilal',
  'chen',
  'dalia',
  'emeka',
  'farah',
  'goran',
  'hana',
  'ines',
  'jonas',
  'kemal',
  'lena',
  'mateo',
  'nadia',
  'oskar',
  'priya',
  'quinn',
  'rafael',
  'sofia',
  'tariq',
  'uma',
  'viktor',
  'wen',
  'ximena',
  'yusuf',
  'zoe',
  'arjun',
  'beatriz',
  'colm',
  'daria',
  'elif',
  'felix',
  'greta',
  'hugo',
  'ivana',
  'jamal',
]
const AI_TRAILERS = [
  'Co-authored-by: GitHub Copilot <copilot@github.com>',
  'Co-authored-by: Claude <noreply@anthropic.com>',
  'Co-authored-by: Cursor Agent <cursoragent@cursor.com>',
]

/** mulberry32: a small, fast seeded generator */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type DemoRepository = {
  externalId: string
  name: string
  language: string
  /** index of the product it belongs to; the shared library belongs to two */
  products: number[]
}

export type DemoRows = {
  repositories: DemoRepository[]
  pullRequests: Record<string, unknown>[]
  commits: Record<string, unknown>[]
  deployments: Record<string, unknown>[]
  issues: Record<string, unknown>[]
  vulnerabilities: Record<string, unknown>[]
  /** incidents (issue external ids) linked to the pull request whose deployment caused them */
  incidentLinks: Array<{ issue: string; pullRequest: string }>
}

/**
 * Rows keyed by repository external id (`repository` field), moments as
 * JS numbers (epoch ms): the writer resolves ids and formats moments.
 */
export function generateInsightsDemo(options: InsightsDemoOptions, productCount = 3): DemoRows {
  const next = random(options.seed ?? 7)
  const now = options.now ?? Date.now()
  const start = now - options.months * 30 * DAY
  const span = now - start
  const logNormal = (median: number, sigma: number) => {
    // Box–Muller
    const u = Math.max(next(), 1e-9)
    const v = next()
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v))
  }
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]
  const workingMoment = (moment: number) => {
    const date = new Date(moment)
    const weekday = date.getUTCDay()
    // four in five weekend events move to the next Monday
    if ((weekday === 0 || weekday === 6) && next() < 0.8) moment += (weekday === 6 ? 2 : 1) * DAY
    const day = Math.floor(moment / DAY) * DAY
    const working = day + (8 + next() * 10) * HOUR
    // nothing happens after the end of the history
    return working < now ? working : now - next() * 6 * HOUR
  }

  const rows: DemoRows = {
    repositories: [],
    pullRequests: [],
    commits: [],
    deployments: [],
    issues: [],
    vulnerabilities: [],
    incidentLinks: [],
  }
  const profiles = Array.from({ length: options.repositories }, (_, index) => {
    const name =
      index < AREAS.length * KINDS.length
        ? `${AREAS[index % AREAS.length]}-${KINDS[Math.floor(index / AREAS.length) % KINDS.length]}`
        : `service-${index + 1}`
    const product = index % productCount
    const repository: DemoRepository = {
      externalId: `${DEMO_EXTERNAL_PREFIX}repo-${index + 1}`,
      name,
      language: LANGUAGES[index % LANGUAGES.length],
      products:
        index === options.repositories - 1 && productCount > 1
          ? [product, (product + 1) % productCount]
          : [product],
    }
    rows.repositories.push(repository)
    return {
      repository,
      activity: 0.3 + next() * 1.7,
      slowReview: index % 7 === 3,
      deployChance: 0.15 + next() * 0.7,
      failureChance: index % 5 === 2 ? 0.25 : 0.06 + next() * 0.08,
      aiBase: 0.08 + next() * 0.2,
      team: PEOPLE.slice((product * 11) % PEOPLE.length)
        .concat(PEOPLE)
        .slice(0, 12),
    }
  })
  const totalActivity = profiles.reduce((sum, profile) => sum + profile.activity, 0)

  for (const profile of profiles) {
    const repo = profile.repository.externalId
    const count = Math.max(1, Math.round((options.pullRequests * profile.activity) / totalActivity))
    for (let number = 1; number <= count; number++) {
      const opened = workingMoment(start + next() * span)
      const additions = Math.max(1, Math.round(logNormal(140, 0.9)))
      const deletions = Math.round(additions * next() * 0.6)
      const firstCommit = opened - logNormal(18, 0.9) * HOUR
      const firstReview = opened + logNormal(profile.slowReview ? 26 : 5, 0.8) * HOUR
      const merged = firstReview + logNormal(6 + (additions + deletions) / 60, 0.7) * HOUR
      const outcome = next()
      const isMerged = merged < now && outcome < 0.88
      const isClosed = !isMerged && merged < now && outcome < 0.95
      const author = pick(profile.team)
      const id = `${repo}-pr-${number}`
      const commitCount = 1 + Math.floor(next() * 3)
      rows.pullRequests.push({
        repository: repo,
        external_id: id,
        number,
        title: `${pick(['Add', 'Fix', 'Refactor', 'Speed up', 'Document'])} ${profile.repository.name} ${pick(['retry logic', 'metrics', 'schema', 'auth flow', 'cache', 'client', 'tests', 'pagination'])}`,
        state: isMerged ? 'merged' : isClosed ? 'closed' : 'open',
        author_login: author,
        base_ref: 'main',
        head_ref: `feature/${number}`,
        additions,
        deletions,
        changed_files: Math.max(1, Math.round((additions + deletions) / 40)),
        commits_count: commitCount,
        opened_at: opened,
        first_commit_at: firstCommit,
        first_review_at: firstReview < now ? firstReview : null,
        approved_at: isMerged ? merged - 0.5 * HOUR : null,
        merged_at: isMerged ? merged : null,
        closed_at: isMerged || isClosed ? merged : null,
      })
      if (!isMerged) continue
      // the AI share grows over the months
      const aiShare = profile.aiBase + 0.3 * ((merged - start) / span)
      for (let index = 0; index < commitCount; index++) {
        const committed = firstCommit + ((merged - firstCommit) * (index + 1)) / (commitCount + 1)
        const message = `${index === 0 ? 'Start' : 'Continue'} work on #${number}${next() < aiShare ? `\n\n${pick(AI_TRAILERS)}` : ''}`
        const trailers = parseTrailers(message)
        rows.commits.push({
          repository: repo,
          external_id: `${id}-c${index}`,
          sha: `${Math.floor(next() * 0xffffffff)
            .toString(16)
            .padStart(8, '0')}${id.length.toString(16)}${number.toString(16)}${index}`,
          message,
          author_login: author,
          author_name: author,
          committed_at: committed,
          authored_at: committed,
          trailers: JSON.stringify(trailers),
          ai_assisted: isAiAssisted(trailers),
        })
      }
    }

    // production deployments on working days, in the afternoon
    for (let day = Math.floor(start / DAY) * DAY; day < now; day += DAY) {
      const weekday = new Date(day).getUTCDay()
      if (weekday === 0 || weekday === 6 || next() > profile.deployChance) continue
      const started = day + (14 + next() * 3) * HOUR
      if (started > now) continue
      const finished = started + (5 + next() * 20) * 60_000
      const failed = next() < profile.failureChance
      rows.deployments.push({
        repository: repo,
        external_id: `${repo}-deploy-${day / DAY}`,
        environment: 'production',
        status: 'success',
        caused_failure: failed,
        started_at: started,
        finished_at: finished,
        restored_at: failed ? finished + logNormal(3, 1) * HOUR : null,
      })
    }

    const issueCount = Math.round(count * 0.6)
    for (let number = 1; number <= issueCount; number++) {
      const opened = workingMoment(start + next() * span)
      const roll = next()
      const resolved = opened + logNormal(72, 1) * HOUR
      rows.issues.push({
        repository: repo,
        external_id: `${repo}-issue-${number}`,
        key: `${profile.repository.name.split('-')[0].toUpperCase().slice(0, 6)}-${number}`,
        title: `${roll < 0.25 ? 'Bug' : 'Work'} in ${profile.repository.name} #${number}`,
        type: roll < 0.25 ? 'bug' : roll < 0.6 ? 'story' : roll < 0.95 ? 'task' : 'epic',
        status: resolved < now ? 'Done' : 'In Progress',
        status_category: resolved < now ? 'done' : 'in_progress',
        opened_at: opened,
        resolved_at: resolved < now ? resolved : null,
      })
    }

    const vulnerabilityCount = Math.floor(next() * 12)
    for (let number = 1; number <= vulnerabilityCount; number++) {
      const roll = next()
      const severity =
        roll < 0.08 ? 'critical' : roll < 0.3 ? 'high' : roll < 0.7 ? 'medium' : 'low'
      const introduced = now - next() * (options.months + 3) * 30 * DAY
      const fixChance = { critical: 0.8, high: 0.65, medium: 0.45, low: 0.3 }[severity]!
      const fixed = next() < fixChance ? introduced + logNormal(12, 0.9) * DAY : null
      const isFixed = fixed !== null && fixed < now
      rows.vulnerabilities.push({
        repository: repo,
        external_id: `${repo}-vuln-${number}`,
        title: `${pick(['Prototype pollution', 'Regular expression denial of service', 'Path traversal', 'Server-side request forgery', 'Improper certificate validation'])} in ${pick(['lodash', 'axios', 'xml2js', 'jsonwebtoken', 'minimist', 'semver', 'tar'])}`,
        severity,
        identifier: `CVE-20${24 + Math.floor(next() * 3)}-${10000 + Math.floor(next() * 89999)}`,
        status: isFixed ? 'fixed' : 'open',
        introduced_at: introduced,
        fixed_at: isFixed ? fixed : null,
      })
    }
  }
  addLinkedIncidents(rows, now)
  return rows
}

/**
 * One production deployment in twelve of each repository is followed,
 * a day to three and a half days later, by an incident linked to the
 * last pull request that deployment shipped (merged since the previous
 * one): a failed change by its link, mostly outside the incident window.
 * Chosen by position, not by the seeded stream, so the rest of the
 * organisation is the same with or without them.
 */
function addLinkedIncidents(rows: DemoRows, now: number) {
  let number = 0
  for (const repository of rows.repositories) {
    const repo = repository.externalId
    const merged = rows.pullRequests
      .filter((pull) => pull.repository === repo && typeof pull.merged_at === 'number')
      .sort((a, b) => (a.merged_at as number) - (b.merged_at as number))
    const deployments = rows.deployments.filter((deployment) => deployment.repository === repo)
    deployments.forEach((deployment, index) => {
      if (index % 12 !== 5) return
      const started = deployment.started_at as number
      const previous = index > 0 ? (deployments[index - 1].started_at as number) : -Infinity
      const shipped = merged.filter(
        (pull) => (pull.merged_at as number) > previous && (pull.merged_at as number) <= started
      )
      const cause = shipped.at(-1)
      const opened = started + (26 + (index % 5) * 14) * HOUR
      if (!cause || opened >= now) return
      number += 1
      const resolved = opened + (1 + (index % 4)) * HOUR
      const external = `${repo}-incident-${number}`
      rows.issues.push({
        repository: repo,
        external_id: external,
        key: `INC-${number}`,
        title: `Incident: ${repository.name} degraded after a deployment`,
        type: 'incident',
        status: resolved < now ? 'Done' : 'In Progress',
        status_category: resolved < now ? 'done' : 'in_progress',
        opened_at: opened,
        resolved_at: resolved < now ? resolved : null,
      })
      rows.incidentLinks.push({ issue: external, pullRequest: cause.external_id as string })
    })
  }
}
