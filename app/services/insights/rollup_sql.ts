import { dayOf, secondsBetween } from '#services/insights/dialect'

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
  'restore_count',
  'issues_opened',
  'bugs_opened',
  'commits',
  'ai_commits',
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
] as const

export const ROLLUP_COLUMNS = [...COUNT_COLUMNS, ...SUM_COLUMNS] as const
export type RollupColumn = (typeof ROLLUP_COLUMNS)[number]
export type RollupSums = Record<RollupColumn, number>

/** deployments that count for DORA: successful deployments to production (or unnamed environments) */
export function productionDeployment(alias: string) {
  return `${alias}.kind = 'deployment' AND ${alias}.status = 'success' AND (${alias}.environment IS NULL OR LOWER(${alias}.environment) LIKE 'prod%')`
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
 * One grouped SELECT per event kind. Each branch binds the organisation
 * id and the [start, end) moments of the range once, in that order.
 */
function branches(): Branch[] {
  const secs = secondsBetween
  const pickupKnown = `p.first_review_at IS NOT NULL AND p.first_review_at >= p.opened_at AND p.first_review_at <= p.merged_at`
  const codingKnown = `p.first_commit_at IS NOT NULL AND p.first_commit_at <= p.opened_at`
  const workStarted = `CASE WHEN ${codingKnown} THEN p.first_commit_at ELSE p.opened_at END`
  // ORDER BY … LIMIT 1 rather than MIN(): the index on (repository_id,
  // status, started_at) is walked from the merge and stops at the first
  // production deployment instead of reading every later one
  const firstDeployment = `(SELECT d.started_at FROM deployments d WHERE d.repository_id = pr.repository_id AND d.status = 'success' AND d.started_at >= pr.merged_at AND d.organization_id = pr.organization_id AND ${productionDeployment('d')} ORDER BY d.started_at LIMIT 1)`
  return [
    {
      from: 'pull_requests p',
      moment: 'p.opened_at',
      where: '',
      values: { prs_opened: 'COUNT(*)' },
    },
    {
      from: 'pull_requests p',
      moment: 'p.first_review_at',
      where: 'AND p.first_review_at >= p.opened_at',
      values: {
        first_review_count: 'COUNT(*)',
        first_review_seconds: `SUM(${secs('p.opened_at', 'p.first_review_at')})`,
      },
    },
    {
      from: `(SELECT pr.*, ${firstDeployment} AS deployed_at FROM pull_requests pr WHERE pr.merged_at IS NOT NULL) p`,
      moment: 'p.merged_at',
      where: '',
      values: {
        prs_merged: 'COUNT(*)',
        coding_count: when(codingKnown, '1'),
        coding_seconds: when(codingKnown, secs('p.first_commit_at', 'p.opened_at')),
        pickup_count: when(pickupKnown, '1'),
        pickup_seconds: when(pickupKnown, secs('p.opened_at', 'p.first_review_at')),
        review_count: when(pickupKnown, '1'),
        review_seconds: when(pickupKnown, secs('p.first_review_at', 'p.merged_at')),
        deploy_count: when('p.deployed_at IS NOT NULL', '1'),
        deploy_seconds: when('p.deployed_at IS NOT NULL', secs('p.merged_at', 'p.deployed_at')),
        lead_time_count: when('p.deployed_at IS NOT NULL', '1'),
        lead_time_seconds: when('p.deployed_at IS NOT NULL', secs(workStarted, 'p.deployed_at')),
        size_count: when('p.additions IS NOT NULL OR p.deletions IS NOT NULL', '1'),
        size_lines: 'SUM(COALESCE(p.additions, 0) + COALESCE(p.deletions, 0))',
      },
    },
    {
      from: 'deployments p',
      moment: 'p.started_at',
      where: `AND ${productionDeployment('p')}`,
      values: {
        deployments: 'COUNT(*)',
        failed_deployments: when('p.caused_failure', '1'),
        restore_count: when('p.caused_failure AND p.restored_at IS NOT NULL', '1'),
        restore_seconds: when(
          'p.caused_failure AND p.restored_at IS NOT NULL',
          secs('COALESCE(p.finished_at, p.started_at)', 'p.restored_at')
        ),
      },
    },
    {
      from: 'issues p',
      moment: 'p.opened_at',
      where: '',
      values: { issues_opened: 'COUNT(*)', bugs_opened: when("p.type = 'bug'", '1') },
    },
    {
      from: 'commits p',
      moment: 'p.committed_at',
      where: '',
      values: { commits: 'COUNT(*)', ai_commits: when('p.ai_assisted', '1') },
    },
  ]
}

/**
 * INSERT … SELECT of one organisation's daily rows for the moments in
 * [start, end). Bindings: the organisation id first, then (organisation
 * id, start, end) per branch.
 */
export function rollupInsertSql() {
  const all = branches()
  const selects = all.map((branch) => {
    const columns = ROLLUP_COLUMNS.map((column) => `${branch.values[column] ?? '0'} AS ${column}`)
    return `SELECT p.repository_id AS repository_id, ${dayOf(branch.moment)} AS day, ${columns.join(', ')}
      FROM ${branch.from}
      WHERE p.organization_id = ? AND ${branch.moment} >= ? AND ${branch.moment} < ? ${branch.where}
      GROUP BY p.repository_id, ${dayOf(branch.moment)}`
  })
  return {
    sql: `INSERT INTO insight_daily_metrics (organization_id, repository_id, day, ${ROLLUP_COLUMNS.join(', ')})
      SELECT ?, s.repository_id, s.day, ${ROLLUP_COLUMNS.map((column) => `SUM(s.${column})`).join(', ')}
      FROM (${selects.join('\nUNION ALL\n')}) s
      GROUP BY s.repository_id, s.day`,
    branchCount: all.length,
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
export function contributorsInsertSql() {
  const human = (column: string) => `${column} IS NOT NULL AND ${column} NOT LIKE '%[bot]'`
  return `INSERT INTO insight_daily_contributors (organization_id, repository_id, day, login, person_key, pull_requests, commits)
    SELECT ?, k.repository_id, k.day, MIN(k.label), MIN(k.person_key), SUM(k.pull_requests), SUM(k.commits)
    FROM (
      SELECT s.repository_id, s.day, s.pull_requests, s.commits,
        COALESCE(pe.display_name, s.login) AS label,
        'person:' || CAST(pe.id AS VARCHAR(20)) AS person_key,
        COALESCE('person:' || CAST(pe.id AS VARCHAR(20)), 'login:' || s.login) AS group_key
      FROM (
        SELECT p.repository_id AS repository_id, ${dayOf('p.opened_at')} AS day, p.provider AS provider, p.author_login AS login, COUNT(*) AS pull_requests, 0 AS commits
        FROM pull_requests p
        WHERE p.organization_id = ? AND p.opened_at >= ? AND p.opened_at < ? AND ${human('p.author_login')}
        GROUP BY p.repository_id, ${dayOf('p.opened_at')}, p.provider, p.author_login
        UNION ALL
        SELECT c.repository_id, ${dayOf('c.committed_at')}, c.provider, c.author_login, 0, COUNT(*)
        FROM commits c
        WHERE c.organization_id = ? AND c.committed_at >= ? AND c.committed_at < ? AND ${human('c.author_login')}
        GROUP BY c.repository_id, ${dayOf('c.committed_at')}, c.provider, c.author_login
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
