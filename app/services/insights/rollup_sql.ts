import {
  containsText,
  dayOf,
  plusSeconds,
  secondsBetween,
  trueLiteral,
} from '#services/insights/dialect'
import type { DurationMetric } from '#services/insights/types'
import type { DayZone } from '#services/insights/time_zone'
import env from '#start/env'

/**
 * The summable columns of insight_daily_metrics, and the set-based SQL
 * that fills them from the domain tables: one INSERT … SELECT whose
 * source is a UNION ALL of one grouped SELECT per kind of event, each
 * bucketed by the UTC day of its own moment.
 */
export const COUNT_COLUMNS = [
  'prs_opened',
  'prs_merged',
  'coding_count',
  'pickup_count',
  'review_count',
  'deploy_count',
  'first_review_count',
  'size_count',
  'deployments',
  'failed_deployments',
  'lead_time_count',
  'lead_time_pr_count',
  'restore_count',
  'issues_opened',
  'bugs_opened',
  'commits',
  'ai_commits',
  'cycle_count',
  'merge_cycle_count',
] as const

export const SUM_COLUMNS = [
  'coding_seconds',
  'pickup_seconds',
  'review_seconds',
  'deploy_seconds',
  'first_review_seconds',
  'size_lines',
  'lead_time_seconds',
  'restore_seconds',
  'cycle_seconds',
  'merge_cycle_seconds',
] as const

export const ROLLUP_COLUMNS = [...COUNT_COLUMNS, ...SUM_COLUMNS] as const
export type RollupColumn = (typeof ROLLUP_COLUMNS)[number]
export type RollupSums = Record<RollupColumn, number>

/**
 * The default environment names that mean production, compared
 * case-insensitively and exactly ("product-preview" is not production).
 * Each organisation keeps its own list (`organizations.production_environments`,
 * Organisation settings), these four until it changes them. A deployment
 * with no environment name (null or blank) is its source's only target
 * and counts as production.
 */
export const PRODUCTION_ENVIRONMENTS = ['production', 'prod', 'prd', 'live'] as const

/**
 * Deployments that count for DORA: successful deployments to an
 * environment the deployment's organisation maps to production (its
 * comma-separated list, matched as ",name,"), or to none.
 */
export function productionDeployment(alias: string) {
  const environment = `LOWER(TRIM(${alias}.environment))`
  const names = `(SELECT ',' || o.production_environments || ',' FROM organizations o WHERE o.id = ${alias}.organization_id)`
  const named = `${containsText(names, `',' || ${environment} || ','`)} AND NOT (${containsText(environment, "','")})`
  return `${alias}.kind = 'deployment' AND ${alias}.status = 'success' AND (COALESCE(TRIM(${alias}.environment), '') = '' OR (${named}))`
}

/**
 * Hours after a production deployment within which an incident opened
 * makes it a failed change (INCIDENT_FAILURE_WINDOW_HOURS, default 24;
 * 0 counts only deployments their provider marked as failed).
 */
export function incidentWindowHours(): number {
  return env.get('INCIDENT_FAILURE_WINDOW_HOURS') ?? 24
}

/**
 * A production deployment (alias `alias`) an incident followed: an issue
 * of type incident opened within the window after it started, with no
 * other production deployment between them (the incident is the last
 * change's). An incident of a known repository follows that repository's
 * deployments only; one of none follows the organisation's. An incident
 * linked to the change that caused it (deployment_incidents) fails that
 * deployment instead: the window is the guess for the others.
 */
export function followedByIncident(alias: string): string {
  const hours = incidentWindowHours()
  if (!(hours > 0)) return '1 = 0'
  const window = Math.round(hours * 3600)
  const sameScope = (other: string) =>
    `(i.repository_id IS NULL OR ${other}.repository_id = i.repository_id)`
  const between = `SELECT 1 FROM deployments n WHERE n.organization_id = ${alias}.organization_id AND ${productionDeployment('n')} AND n.started_at > ${alias}.started_at AND n.started_at <= i.opened_at AND ${sameScope('n')}`
  // the upper bound (a second past the window; the exact test follows)
  // makes the (organization_id, type, opened_at) index range end at the
  // window: with only the lower bound every deployment read every later
  // incident (12 s of the rollup's 15 s deployment branch at 100,000 pull
  // requests, issue #24)
  const opened = `i.opened_at >= ${alias}.started_at AND i.opened_at <= ${plusSeconds(`${alias}.started_at`, window + 1)}`
  return `EXISTS (SELECT 1 FROM issues i WHERE i.organization_id = ${alias}.organization_id AND i.type = 'incident' AND ${opened} AND ${secondsBetween(`${alias}.started_at`, 'i.opened_at')} <= ${window} AND ${sameScope(alias)} AND NOT EXISTS (${between}) AND NOT EXISTS (SELECT 1 FROM deployment_incidents x WHERE x.issue_id = i.id))`
}

/**
 * A production deployment (alias `alias`) that shipped a change an
 * incident is linked to, however long before the incident: the pairs
 * incident_causes.ts writes at each rollup, one indexed lookup here.
 */
export function causedIncident(alias: string): string {
  return `EXISTS (SELECT 1 FROM deployment_incidents dc WHERE dc.deployment_id = ${alias}.id)`
}

/**
 * DORA's failed change: a production deployment its provider marked as
 * having caused a failure, one that shipped a change a linked incident
 * names, or one an unlinked incident followed within the window.
 */
export function failedChange(alias: string): string {
  return `(${alias}.caused_failure = ${trueLiteral()} OR ${causedIncident(alias)} OR ${followedByIncident(alias)})`
}

/** authors that are people: bots ("name[bot]") are not (active contributors) */
export function humanAuthor(column: string) {
  return `(${column} IS NULL OR ${column} NOT LIKE '%[bot]')`
}

/**
 * Pull requests (alias `alias`) that count in flow metrics: those of
 * people, and bots' too when their organisation includes them
 * (`organizations.include_bot_pull_requests`, off by default).
 */
export function flowAuthor(alias: string) {
  return `(${humanAuthor(`${alias}.author_login`)} OR (SELECT o.include_bot_pull_requests FROM organizations o WHERE o.id = ${alias}.organization_id) = ${trueLiteral()})`
}

/**
 * Repositories (alias.repository_id) with commit ancestry: at least one
 * commit whose parents the code host gave, and at least one successful
 * production deployment that names its commit (a `sha` to walk from).
 * Their lead time for changes is measured per commit
 * (commit_lead_times.ts); the others' per pull request, from its first
 * commit (the fallback, `lead_time_pr_count`). Parents alone are not
 * enough: with deployments that carry no SHA (a release pipeline without
 * a Git artifact) there is nothing to walk, and the repository would
 * show no lead time at all.
 */
export function hasCommitAncestry(alias: string) {
  const parents = `EXISTS (SELECT 1 FROM commits ca WHERE ca.organization_id = ${alias}.organization_id AND ca.repository_id = ${alias}.repository_id AND ca.parent_shas IS NOT NULL)`
  const deployedCommit = `EXISTS (SELECT 1 FROM deployments da WHERE da.organization_id = ${alias}.organization_id AND da.repository_id = ${alias}.repository_id AND da.status = 'success' AND da.sha IS NOT NULL AND ${productionDeployment('da')})`
  return `(${parents} AND ${deployedCommit})`
}

type Branch = {
  from: string
  moment: string
  where: string
  values: Partial<Record<RollupColumn, string>>
}

function when(condition: string, value: string) {
  return `SUM(CASE WHEN ${condition} THEN ${value} ELSE 0 END)`
}

/**
 * Merged pull requests by people, each with the start of its
 * `deployed_at` (its repository's first production deployment starting
 * at or after the merge) and whether its repository has ever deployed to
 * production (`repository_deploys`), as the common table `merged_prs`,
 * materialised once per statement: as a derived table it was flattened
 * into every branch and its first-deployment subquery evaluated again for
 * each reference to `deployed_at` (a dozen times per pull request per
 * branch, 42 s for 100,000 pull requests). Bindings: organisation id and
 * the range's end (a pull request merged after it is in no branch).
 */
function mergedPullRequestsCte() {
  // ORDER BY … LIMIT 1 rather than MIN(): the index on (repository_id,
  // status, started_at) is walked from the merge and stops at the first
  // production deployment instead of reading every later one
  const firstDeployment = `(SELECT d.started_at FROM deployments d WHERE d.repository_id = pr.repository_id AND d.status = 'success' AND d.started_at >= pr.merged_at AND d.organization_id = pr.organization_id AND ${productionDeployment('d')} ORDER BY d.started_at LIMIT 1)`
  const repositoryDeploys = `CASE WHEN EXISTS (SELECT 1 FROM deployments e WHERE e.repository_id = pr.repository_id AND e.organization_id = pr.organization_id AND e.status = 'success' AND ${productionDeployment('e')}) THEN 1 ELSE 0 END`
  return `WITH merged_prs AS MATERIALIZED (
    SELECT pr.id, pr.organization_id, pr.repository_id, pr.opened_at, pr.first_commit_at,
      pr.first_review_at, pr.merged_at, pr.additions, pr.deletions,
      ${firstDeployment} AS deployed_at, ${repositoryDeploys} AS repository_deploys
    FROM pull_requests pr
    WHERE pr.organization_id = ? AND pr.merged_at IS NOT NULL AND pr.merged_at < ? AND ${flowAuthor('pr')})`
}

function mergedPullRequests() {
  return 'merged_prs p'
}

/**
 * The moments one pull request's cycle is cut into, so its four phases
 * add up to its cycle time: work starts at the first commit (or at the
 * opening when no commit is known or it came later), review starts at
 * the first review made between opening and merge (or at the merge when
 * none was), then merge, then deployment.
 */
function cycleMoments() {
  const codingKnown = `p.first_commit_at IS NOT NULL AND p.first_commit_at <= p.opened_at`
  const reviewed = `p.first_review_at IS NOT NULL AND p.first_review_at >= p.opened_at AND p.first_review_at <= p.merged_at`
  return {
    started: `CASE WHEN ${codingKnown} THEN p.first_commit_at ELSE p.opened_at END`,
    reviewStarted: `CASE WHEN ${reviewed} THEN p.first_review_at ELSE p.merged_at END`,
    deployed: 'p.deployed_at IS NOT NULL',
    toMerge: 'p.repository_deploys = 0',
  }
}

/** failed production deployments restored no earlier than they started */
const restored = 'p.caused_failure AND p.restored_at IS NOT NULL AND p.restored_at >= p.started_at'

/**
 * Incidents (issues of type incident, from Jira or any tracker) resolved
 * no earlier than they were opened: their time to restore is opening to
 * resolution, counted on the day they were opened, beside the restores
 * of failed deployments.
 */
export const incidentRestored =
  "p.type = 'incident' AND p.resolved_at IS NOT NULL AND p.resolved_at >= p.opened_at"

/**
 * One grouped SELECT per event kind. Each branch binds the organisation
 * id and the [start, end) moments of the range once, in that order.
 */
function branches(): Branch[] {
  const secs = secondsBetween
  const cycle = cycleMoments()
  return [
    {
      from: 'pull_requests p',
      moment: 'p.opened_at',
      where: `AND ${flowAuthor('p')}`,
      values: { prs_opened: 'COUNT(*)' },
    },
    {
      from: 'pull_requests p',
      moment: 'p.first_review_at',
      where: `${firstReviewWhere()} ${calendarHours()}`,
      values: {
        first_review_count: 'COUNT(*)',
        first_review_seconds: `SUM(${firstReviewSeconds()})`,
      },
    },
    {
      from: mergedPullRequests(),
      moment: 'p.merged_at',
      where: '',
      values: {
        prs_merged: 'COUNT(*)',
        cycle_count: when(cycle.deployed, '1'),
        cycle_seconds: when(cycle.deployed, secs(cycle.started, 'p.deployed_at')),
        coding_count: when(cycle.deployed, '1'),
        coding_seconds: when(cycle.deployed, secs(cycle.started, 'p.opened_at')),
        pickup_count: when(cycle.deployed, '1'),
        pickup_seconds: when(cycle.deployed, secs('p.opened_at', cycle.reviewStarted)),
        review_count: when(cycle.deployed, '1'),
        review_seconds: when(cycle.deployed, secs(cycle.reviewStarted, 'p.merged_at')),
        deploy_count: when(cycle.deployed, '1'),
        deploy_seconds: when(cycle.deployed, secs('p.merged_at', 'p.deployed_at')),
        merge_cycle_count: when(cycle.toMerge, '1'),
        merge_cycle_seconds: when(cycle.toMerge, secs(cycle.started, 'p.merged_at')),
        size_count: when('p.additions IS NOT NULL OR p.deletions IS NOT NULL', '1'),
        size_lines: 'SUM(COALESCE(p.additions, 0) + COALESCE(p.deletions, 0))',
      },
    },
    {
      // DORA buckets lead time by the day of the deployment; per pull
      // request only where commit ancestry is unknown (the rest is
      // measured per commit, commit_lead_times.ts)
      from: mergedPullRequests(),
      moment: 'p.deployed_at',
      where: `AND NOT ${hasCommitAncestry('p')}`,
      values: {
        lead_time_count: 'COUNT(*)',
        lead_time_pr_count: 'COUNT(*)',
        lead_time_seconds: `SUM(${secs(cycle.started, 'p.deployed_at')})`,
      },
    },
    {
      from: 'deployments p',
      moment: 'p.started_at',
      where: `AND ${productionDeployment('p')}`,
      values: {
        deployments: 'COUNT(*)',
        failed_deployments: when(failedChange('p'), '1'),
        restore_count: when(restored, '1'),
        restore_seconds: when(restored, secs('p.started_at', 'p.restored_at')),
      },
    },
    {
      from: 'issues p',
      moment: 'p.opened_at',
      where: '',
      values: {
        issues_opened: 'COUNT(*)',
        bugs_opened: when("p.type = 'bug'", '1'),
        restore_count: when(incidentRestored, '1'),
        restore_seconds: when(incidentRestored, secs('p.opened_at', 'p.resolved_at')),
      },
    },
    {
      from: 'commits p',
      moment: 'p.committed_at',
      where: '',
      values: { commits: 'COUNT(*)', ai_commits: when('p.ai_assisted', '1') },
    },
  ]
}

/** first reviews made by people's pull requests between opening and merge (a review after the merge reviews nothing) */
/**
 * When a pull request's wait for review starts: when it became ready for
 * review (left draft), or its opening when it was opened ready.
 */
export const readyForReview = (alias: string) =>
  `CASE WHEN ${alias}.ready_for_review_at IS NOT NULL AND ${alias}.ready_for_review_at > ${alias}.opened_at THEN ${alias}.ready_for_review_at ELSE ${alias}.opened_at END`

/** seconds from ready for review to the first review (0 for a review made while still draft) */
function firstReviewSeconds() {
  const ready = readyForReview('p')
  return `CASE WHEN p.first_review_at >= ${ready} THEN ${secondsBetween(ready, 'p.first_review_at')} ELSE 0 END`
}

export const firstReviewWhere = () =>
  `AND p.first_review_at >= p.opened_at AND (p.merged_at IS NULL OR p.first_review_at <= p.merged_at) AND ${flowAuthor('p')}`

/**
 * Organisations counting calendar hours: time to first review in
 * working hours is computed apart (first_review_working_hours.ts).
 */
const calendarHours = () =>
  `AND (SELECT o.working_hours_only FROM organizations o WHERE o.id = p.organization_id) <> ${trueLiteral()}`

/** the durations kept one per row for percentiles: their metric name, moment (day), condition and seconds */
type DurationSource = {
  metric: DurationMetric
  from: string
  moment: string
  where: string
  seconds: string
}

function durationSources(): DurationSource[] {
  const secs = secondsBetween
  const cycle = cycleMoments()
  const merged = (metric: DurationMetric, where: string, seconds: string): DurationSource => ({
    metric,
    from: mergedPullRequests(),
    moment: 'p.merged_at',
    where: `AND ${where}`,
    seconds,
  })
  return [
    merged('cycle', cycle.deployed, secs(cycle.started, 'p.deployed_at')),
    merged('coding', cycle.deployed, secs(cycle.started, 'p.opened_at')),
    merged('pickup', cycle.deployed, secs('p.opened_at', cycle.reviewStarted)),
    merged('review', cycle.deployed, secs(cycle.reviewStarted, 'p.merged_at')),
    merged('deploy', cycle.deployed, secs('p.merged_at', 'p.deployed_at')),
    merged('merge_cycle', cycle.toMerge, secs(cycle.started, 'p.merged_at')),
    {
      metric: 'lead_time',
      from: mergedPullRequests(),
      moment: 'p.deployed_at',
      where: `AND NOT ${hasCommitAncestry('p')}`,
      seconds: secs(cycle.started, 'p.deployed_at'),
    },
    {
      metric: 'first_review',
      from: 'pull_requests p',
      moment: 'p.first_review_at',
      where: `${firstReviewWhere()} ${calendarHours()}`,
      seconds: firstReviewSeconds(),
    },
    {
      metric: 'restore',
      from: 'deployments p',
      moment: 'p.started_at',
      where: `AND ${productionDeployment('p')} AND ${restored}`,
      seconds: secs('p.started_at', 'p.restored_at'),
    },
    {
      metric: 'restore',
      from: 'issues p',
      moment: 'p.opened_at',
      where: `AND ${incidentRestored}`,
      seconds: secs('p.opened_at', 'p.resolved_at'),
    },
  ]
}

/**
 * INSERT … SELECT of one row per measured duration of one organisation
 * for the moments in [start, end). Bindings: `bindings()`.
 */
export function durationsInsertSql(zone?: DayZone) {
  const sources = durationSources()
  const selects = sources.map(
    (
      source
    ) => `SELECT p.organization_id AS organization_id, p.repository_id AS repository_id, ${dayOf(source.moment, zone)} AS day, '${source.metric}' AS metric, ${source.seconds} AS seconds
      FROM ${source.from}
      WHERE p.organization_id = ? AND ${source.moment} >= ? AND ${source.moment} < ? ${source.where}`
  )
  return {
    sql: `${mergedPullRequestsCte()}
      INSERT INTO insight_durations (organization_id, repository_id, day, metric, seconds)
      ${selects.join(' UNION ALL ')}`,
    sourceCount: sources.length,
    /** (organisation, end) for merged_prs, then (organisation, start, end) per source */
    bindings(organizationId: number, start: string, end: string) {
      const bindings: Array<string | number> = [organizationId, end]
      for (let index = 0; index < sources.length; index++) bindings.push(organizationId, start, end)
      return bindings
    },
  }
}

/**
 * INSERT … SELECT of one organisation's daily rows for the moments in
 * [start, end). Bindings: `bindings()`.
 */
export function rollupInsertSql(zone?: DayZone) {
  const all = branches()
  const selects = all.map((branch) => {
    const columns = ROLLUP_COLUMNS.map((column) => `${branch.values[column] ?? '0'} AS ${column}`)
    return `SELECT p.repository_id AS repository_id, ${dayOf(branch.moment, zone)} AS day, ${columns.join(', ')}
      FROM ${branch.from}
      WHERE p.organization_id = ? AND ${branch.moment} >= ? AND ${branch.moment} < ? ${branch.where}
      GROUP BY p.repository_id, ${dayOf(branch.moment, zone)}`
  })
  return {
    sql: `${mergedPullRequestsCte()}
      INSERT INTO insight_daily_metrics (organization_id, repository_id, day, ${ROLLUP_COLUMNS.join(', ')})
      SELECT ?, s.repository_id, s.day, ${ROLLUP_COLUMNS.map((column) => `SUM(s.${column})`).join(', ')}
      FROM (${selects.join('\nUNION ALL\n')}) s
      GROUP BY s.repository_id, s.day`,
    branchCount: all.length,
    /** (organisation, end) for merged_prs, the organisation, then (organisation, start, end) per branch */
    bindings(organizationId: number, start: string, end: string) {
      const bindings: Array<string | number> = [organizationId, end, organizationId]
      for (let index = 0; index < all.length; index++) bindings.push(organizationId, start, end)
      return bindings
    },
  }
}

/**
 * INSERT … SELECT of who authored pull requests (by opening day) and
 * commits (by commit day), per repository and day. Bots ("name[bot]")
 * are not contributors. Accounts count as the person who owns them
 * (people, app/services/domain/people.ts): person_key is "person:<id>",
 * empty for an author no identity was written for (counted by login, as
 * before people existed), and login holds the name shown. Bindings: organisation id, then
 * (organisation id, start, end) twice, then organisation id.
 */
export function contributorsInsertSql(zone?: DayZone) {
  const human = (column: string) => `${column} IS NOT NULL AND ${humanAuthor(column)}`
  return `INSERT INTO insight_daily_contributors (organization_id, repository_id, day, login, person_key, pull_requests, commits)
    SELECT ?, k.repository_id, k.day, MIN(k.label), MIN(k.person_key), SUM(k.pull_requests), SUM(k.commits)
    FROM (
      SELECT s.repository_id, s.day, s.pull_requests, s.commits,
        COALESCE(pe.display_name, s.login) AS label,
        'person:' || CAST(pe.id AS VARCHAR(20)) AS person_key,
        COALESCE('person:' || CAST(pe.id AS VARCHAR(20)), 'login:' || s.login) AS group_key
      FROM (
        SELECT p.repository_id AS repository_id, ${dayOf('p.opened_at', zone)} AS day, p.provider AS provider, p.author_login AS login, COUNT(*) AS pull_requests, 0 AS commits
        FROM pull_requests p
        WHERE p.organization_id = ? AND p.opened_at >= ? AND p.opened_at < ? AND ${human('p.author_login')}
        GROUP BY p.repository_id, ${dayOf('p.opened_at', zone)}, p.provider, p.author_login
        UNION ALL
        SELECT c.repository_id, ${dayOf('c.committed_at', zone)}, c.provider, c.author_login, 0, COUNT(*)
        FROM commits c
        WHERE c.organization_id = ? AND c.committed_at >= ? AND c.committed_at < ? AND ${human('c.author_login')}
        GROUP BY c.repository_id, ${dayOf('c.committed_at', zone)}, c.provider, c.author_login
      ) s
      LEFT JOIN (
        SELECT provider, login, MIN(person_id) AS person_id FROM contributors
        WHERE organization_id = ? AND person_id IS NOT NULL
        GROUP BY provider, login
      ) a ON a.provider = s.provider AND a.login = s.login
      LEFT JOIN people pe ON pe.id = a.person_id
    ) k
    GROUP BY k.repository_id, k.day, k.group_key`
}
