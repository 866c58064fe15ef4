import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { insertedId, sqlTime } from '#services/sql'

/**
 * Builders of domain rows for insights tests, written straight to the
 * tables with the moments in UTC ('2026-03-02 10:00'), the way the sync
 * store writes them.
 */
let sequence = 0

function next(prefix: string) {
  sequence += 1
  return `${prefix}-${sequence}`
}

/** '2026-03-02 10:00' (UTC) as a datetime column value; null stays null */
export function at(moment: string | null | undefined): string | null {
  if (!moment) return null
  const parsed = DateTime.fromSQL(moment, { zone: 'utc' })
  if (!parsed.isValid) throw new Error(`Not a moment: ${moment}`)
  return sqlTime(parsed)
}

function stamps() {
  return { created_at: sqlTime(), updated_at: sqlTime() }
}

async function insert(table: string, row: Record<string, unknown>) {
  const id = insertedId(await db.table(table).insert(row).returning('id'))
  if (id === null) throw new Error(`Nothing inserted into ${table}`)
  return id
}

export async function insertRepository(organizationId: number, name: string) {
  return insert('repositories', {
    organization_id: organizationId,
    provider: 'github',
    external_id: next('repo'),
    name,
    full_name: `acme/${name}`,
    ...stamps(),
  })
}

export async function insertPullRequest(
  organizationId: number,
  repositoryId: number,
  pull: {
    opened: string
    firstCommit?: string | null
    firstReview?: string | null
    merged?: string | null
    additions?: number | null
    deletions?: number | null
    author?: string | null
  }
) {
  sequence += 1
  return insert('pull_requests', {
    organization_id: organizationId,
    repository_id: repositoryId,
    provider: 'github',
    external_id: `pr-${sequence}`,
    number: sequence,
    title: `Change ${sequence}`,
    state: pull.merged ? 'merged' : 'open',
    author_login: pull.author ?? null,
    additions: pull.additions ?? null,
    deletions: pull.deletions ?? null,
    opened_at: at(pull.opened),
    first_commit_at: at(pull.firstCommit),
    first_review_at: at(pull.firstReview),
    merged_at: at(pull.merged),
    ...stamps(),
  })
}

export async function insertDeployment(
  organizationId: number,
  repositoryId: number | null,
  deployment: {
    started: string
    finished?: string | null
    restored?: string | null
    status?: 'success' | 'failure' | 'in_progress' | 'cancelled'
    environment?: string | null
    causedFailure?: boolean
    kind?: 'deployment' | 'build' | 'release'
  }
) {
  return insert('deployments', {
    organization_id: organizationId,
    repository_id: repositoryId,
    provider: 'github',
    external_id: next('deployment'),
    kind: deployment.kind ?? 'deployment',
    environment: deployment.environment === undefined ? 'production' : deployment.environment,
    status: deployment.status ?? 'success',
    caused_failure: deployment.causedFailure ?? false,
    started_at: at(deployment.started),
    finished_at: at(deployment.finished),
    restored_at: at(deployment.restored),
    ...stamps(),
  })
}

export async function insertIssue(
  organizationId: number,
  repositoryId: number | null,
  issue: { opened: string; type?: string; resolved?: string | null }
) {
  return insert('issues', {
    organization_id: organizationId,
    repository_id: repositoryId,
    provider: 'jira',
    external_id: next('issue'),
    key: next('KEY'),
    title: 'An issue',
    type: issue.type ?? 'task',
    status: issue.resolved ? 'Done' : 'Open',
    status_category: issue.resolved ? 'done' : 'todo',
    opened_at: at(issue.opened),
    resolved_at: at(issue.resolved),
    ...stamps(),
  })
}

export async function insertCommit(
  organizationId: number,
  repositoryId: number,
  commit: { committed: string; author?: string | null; aiAssisted?: boolean }
) {
  return insert('commits', {
    organization_id: organizationId,
    repository_id: repositoryId,
    provider: 'github',
    external_id: next('commit'),
    sha: next('sha'),
    message: 'A change',
    author_login: commit.author ?? null,
    committed_at: at(commit.committed),
    ai_assisted: commit.aiAssisted ?? false,
    ...stamps(),
  })
}

export async function insertVulnerability(
  organizationId: number,
  repositoryId: number | null,
  vulnerability: {
    severity: 'critical' | 'high' | 'medium' | 'low'
    introduced: string
    fixed?: string | null
    status?: 'open' | 'fixed' | 'ignored'
  }
) {
  return insert('vulnerabilities', {
    organization_id: organizationId,
    repository_id: repositoryId,
    provider: 'snyk',
    external_id: next('vulnerability'),
    title: 'A vulnerable dependency',
    severity: vulnerability.severity,
    status: vulnerability.status ?? (vulnerability.fixed ? 'fixed' : 'open'),
    introduced_at: at(vulnerability.introduced),
    fixed_at: at(vulnerability.fixed),
    ...stamps(),
  })
}

export async function insertProduct(organizationId: number, name: string, repositoryIds: number[]) {
  const productId = await insert('products', { organization_id: organizationId, name, ...stamps() })
  for (const repositoryId of repositoryIds) {
    await db.table('product_repositories').insert({
      organization_id: organizationId,
      product_id: productId,
      repository_id: repositoryId,
    })
  }
  return productId
}

/** the week the small fixture's events fall in (Monday to Sunday) */
export const FIXTURE_WEEK = { from: '2026-03-02', to: '2026-03-08' }

/**
 * The small fixture whose metrics docs/insights.md and the metric specs
 * compute by hand: two repositories (alpha in the product "Core", beta
 * in none) and one week of activity. See tests/functional/insights/
 * data_metrics.spec.ts for the expected values and their arithmetic.
 */
export async function buildSmallFixture(organizationId: number) {
  const alpha = await insertRepository(organizationId, 'alpha')
  const beta = await insertRepository(organizationId, 'beta')
  const core = await insertProduct(organizationId, 'Core', [alpha])

  // coding 24 h, pickup 4 h, review 20 h, deployed by D1 2 h after merge
  await insertPullRequest(organizationId, alpha, {
    firstCommit: '2026-03-01 10:00',
    opened: '2026-03-02 10:00',
    firstReview: '2026-03-02 14:00',
    merged: '2026-03-03 10:00',
    additions: 100,
    deletions: 20,
    author: 'alice',
  })
  // coding 2 h, pickup 24 h, review 2 h, deployed by D2 6 h after merge
  await insertPullRequest(organizationId, alpha, {
    firstCommit: '2026-03-03 08:00',
    opened: '2026-03-03 10:00',
    firstReview: '2026-03-04 10:00',
    merged: '2026-03-04 12:00',
    additions: 30,
    deletions: 10,
    author: 'bob',
  })
  // still open and unreviewed: counts as opened only
  await insertPullRequest(organizationId, alpha, { opened: '2026-03-05 09:00', author: 'carol' })
  // no first commit known; pickup 1 h, review 2 h, deployed by D5 20 h after merge
  await insertPullRequest(organizationId, beta, {
    opened: '2026-03-06 10:00',
    firstReview: '2026-03-06 11:00',
    merged: '2026-03-06 13:00',
    additions: 50,
    deletions: 0,
    author: 'dave',
  })

  // staging and failed deployments are not deployments for DORA
  await insertDeployment(organizationId, alpha, {
    started: '2026-03-03 11:00',
    environment: 'staging',
  })
  await insertDeployment(organizationId, alpha, {
    started: '2026-03-03 12:00',
    finished: '2026-03-03 12:30',
  }) // D1
  await insertDeployment(organizationId, alpha, {
    started: '2026-03-04 18:00',
    finished: '2026-03-04 18:20',
    causedFailure: true,
    restored: '2026-03-04 21:20',
  }) // D2: restored 3 h after it finished
  await insertDeployment(organizationId, alpha, { started: '2026-03-05 08:00', status: 'failure' })
  await insertDeployment(organizationId, beta, {
    started: '2026-03-07 09:00',
    finished: '2026-03-07 09:10',
  }) // D5

  await insertIssue(organizationId, alpha, { opened: '2026-03-02 09:00', type: 'bug' })
  await insertIssue(organizationId, alpha, { opened: '2026-03-03 09:00', type: 'story' })
  await insertIssue(organizationId, alpha, { opened: '2026-03-05 09:00', type: 'task' })
  await insertIssue(organizationId, null, { opened: '2026-03-06 09:00', type: 'task' })
  await insertIssue(organizationId, alpha, { opened: '2026-03-20 09:00', type: 'bug' })

  await insertCommit(organizationId, alpha, { committed: '2026-03-01 10:00', author: 'alice' })
  await insertCommit(organizationId, alpha, {
    committed: '2026-03-02 11:00',
    author: 'alice',
    aiAssisted: true,
  })
  await insertCommit(organizationId, alpha, { committed: '2026-03-03 08:00', author: 'bob' })
  await insertCommit(organizationId, alpha, { committed: '2026-03-04 09:00', author: 'bob' })
  await insertCommit(organizationId, alpha, {
    committed: '2026-03-05 09:00',
    author: 'dependabot[bot]',
  })
  await insertCommit(organizationId, beta, {
    committed: '2026-03-06 09:00',
    author: 'dave',
    aiAssisted: true,
  })

  // as of the end of 2026-03-08: V1 (8 days), V2 (98 days) and V6 (fixed later, 36 days) are open
  await insertVulnerability(organizationId, alpha, {
    severity: 'critical',
    introduced: '2026-03-01 00:00',
  })
  await insertVulnerability(organizationId, alpha, {
    severity: 'high',
    introduced: '2025-12-01 00:00',
  })
  await insertVulnerability(organizationId, alpha, {
    severity: 'medium',
    introduced: '2026-02-01 00:00',
    fixed: '2026-03-05 00:00',
  })
  await insertVulnerability(organizationId, beta, {
    severity: 'low',
    introduced: '2026-02-01 00:00',
    status: 'ignored',
  })
  await insertVulnerability(organizationId, beta, {
    severity: 'low',
    introduced: '2026-03-10 00:00',
  })
  await insertVulnerability(organizationId, beta, {
    severity: 'high',
    introduced: '2026-02-01 00:00',
    fixed: '2026-03-20 00:00',
  })

  return { alpha, beta, core }
}
