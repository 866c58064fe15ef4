import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { fromSqlTime, sqlTime } from '#services/sql'
import { failedChange, productionDeployment } from '#services/insights/rollup_sql'
import { endOfDay } from '#services/insights/dialect'
import {
  fenceByFilters,
  hoursBetween,
  paginate,
  type DrillFilters,
} from '#services/insights_pages/drill'

/**
 * The rows behind the deployment, issue and vulnerability KPIs, each the
 * same set the rollup counts (docs/insights.md, "Metric definitions"),
 * fenced to the organisation and narrowed by repository, product and
 * provider. Rows without a repository count for the organisation and
 * leave the list as soon as a repository or product is chosen.
 */
function dayBounds(list: DrillFilters) {
  const from = DateTime.fromISO(list.from, { zone: 'utc' })
  const to = DateTime.fromISO(list.to, { zone: 'utc' }).plus({ days: 1 })
  return [sqlTime(from), sqlTime(to)] as const
}

const EXPORT_LIMIT = 10_000

function ordered<Query extends { orderBy: (column: string, direction: 'asc' | 'desc') => Query }>(
  query: Query,
  column: string,
  sort: string | null | undefined,
  fallback: string
) {
  const key = sort ?? fallback
  const direction = key.startsWith('-') ? 'desc' : 'asc'
  return query.orderBy(column, direction).orderBy('t.id', direction)
}

/* deployments ---------------------------------------------------------- */

function deploymentQuery(organizationId: number, list: DrillFilters) {
  const [from, to] = dayBounds(list)
  const query = db
    .from('deployments as t')
    .where('t.started_at', '>=', from)
    .where('t.started_at', '<', to)
    .whereRaw(productionDeployment('t'))
  fenceByFilters(query, organizationId, list, 't')
  if (list.failed === '1') query.whereRaw(failedChange('t'))
  return query
}

function deploymentRows(organizationId: number, list: DrillFilters) {
  return ordered(
    deploymentQuery(organizationId, list)
      .leftJoin('repositories as r', 'r.id', 't.repository_id')
      .select(
        't.id',
        'r.name as repository',
        't.environment',
        't.status',
        db.raw(`CASE WHEN ${failedChange('t')} THEN 1 ELSE 0 END AS failed_change`),
        't.caused_failure',
        't.provider',
        't.url',
        't.started_at',
        't.restored_at'
      ),
    't.started_at',
    list.sort as string | null,
    '-started'
  )
}

export type DeploymentRow = ReturnType<typeof toDeployment>

function toDeployment(row: Record<string, unknown>) {
  const started = fromSqlTime(row.started_at)!
  const restored = fromSqlTime(row.restored_at)
  const failed = Boolean(Number(row.failed_change))
  const causedFailure = Boolean(Number(row.caused_failure))
  return {
    repository: (row.repository as string | null) ?? null,
    environment: (row.environment as string | null) ?? null,
    provider: String(row.provider),
    url: (row.url as string | null) ?? null,
    startedAt: started,
    failed,
    // the rollup measures a restore only on a deployment marked as the failure
    restoreHours:
      causedFailure && restored && restored >= started ? hoursBetween(started, restored) : null,
  }
}

export function listDeployments(organizationId: number, list: DrillFilters) {
  return paginate(
    deploymentQuery(organizationId, list),
    deploymentRows(organizationId, list),
    list.page,
    toDeployment
  )
}

export async function allDeployments(organizationId: number, list: DrillFilters) {
  const rows = await deploymentRows(organizationId, list).limit(EXPORT_LIMIT)
  return rows.map(toDeployment)
}

/* vulnerabilities ------------------------------------------------------ */

function vulnerabilityQuery(organizationId: number, list: DrillFilters) {
  const asOf = endOfDay(list.to)
  const query = db
    .from('vulnerabilities as t')
    .whereNot('t.status', 'ignored')
    .where('t.introduced_at', '<', asOf)
    .where((open) => {
      open
        .where((unfixed) => unfixed.whereNull('t.fixed_at').where('t.status', 'open'))
        .orWhere('t.fixed_at', '>=', asOf)
    })
  fenceByFilters(query, organizationId, list, 't')
  if (list.severity) query.where('t.severity', String(list.severity))
  return query
}

function vulnerabilityRows(organizationId: number, list: DrillFilters) {
  return ordered(
    vulnerabilityQuery(organizationId, list)
      .leftJoin('repositories as r', 'r.id', 't.repository_id')
      .select(
        't.id',
        'r.name as repository',
        't.title',
        't.severity',
        't.identifier',
        't.package_name',
        't.provider',
        't.url',
        't.introduced_at'
      ),
    't.introduced_at',
    list.sort as string | null,
    'introduced'
  )
}

export type VulnerabilityRow = ReturnType<typeof toVulnerability>

function vulnerabilityMapper(list: DrillFilters) {
  const asOf = DateTime.fromISO(list.to, { zone: 'utc' }).plus({ days: 1 }).toJSDate()
  return (row: Record<string, unknown>) => toVulnerability(row, asOf)
}

function toVulnerability(row: Record<string, unknown>, asOf: Date) {
  const introduced = fromSqlTime(row.introduced_at)!
  return {
    repository: (row.repository as string | null) ?? null,
    title: String(row.title),
    severity: String(row.severity),
    identifier: (row.identifier as string | null) ?? null,
    packageName: (row.package_name as string | null) ?? null,
    provider: String(row.provider),
    url: (row.url as string | null) ?? null,
    introducedAt: introduced,
    ageDays: Math.floor((asOf.getTime() - introduced.getTime()) / 86_400_000),
  }
}

export function listVulnerabilities(organizationId: number, list: DrillFilters) {
  return paginate(
    vulnerabilityQuery(organizationId, list),
    vulnerabilityRows(organizationId, list),
    list.page,
    vulnerabilityMapper(list)
  )
}

export async function allVulnerabilities(organizationId: number, list: DrillFilters) {
  const rows = await vulnerabilityRows(organizationId, list).limit(EXPORT_LIMIT)
  return rows.map(vulnerabilityMapper(list))
}

/* issues --------------------------------------------------------------- */

function issueQuery(organizationId: number, list: DrillFilters) {
  const [from, to] = dayBounds(list)
  const query = db
    .from('issues as t')
    .where('t.opened_at', '>=', from)
    .where('t.opened_at', '<', to)
  fenceByFilters(query, organizationId, list, 't')
  if (list.type) query.where('t.type', String(list.type))
  return query
}

function issueRows(organizationId: number, list: DrillFilters) {
  return ordered(
    issueQuery(organizationId, list)
      .leftJoin('repositories as r', 'r.id', 't.repository_id')
      .select(
        't.id',
        'r.name as repository',
        't.key',
        't.title',
        't.type',
        't.status',
        't.assignee_login',
        't.provider',
        't.url',
        't.opened_at',
        't.resolved_at'
      ),
    't.opened_at',
    list.sort as string | null,
    '-opened'
  )
}

export type IssueRow = ReturnType<typeof toIssue>

function toIssue(row: Record<string, unknown>) {
  return {
    repository: (row.repository as string | null) ?? null,
    key: String(row.key),
    title: String(row.title),
    type: String(row.type),
    status: String(row.status),
    assignee: (row.assignee_login as string | null) ?? null,
    provider: String(row.provider),
    url: (row.url as string | null) ?? null,
    openedAt: fromSqlTime(row.opened_at)!,
    resolvedAt: fromSqlTime(row.resolved_at),
  }
}

export function listIssues(organizationId: number, list: DrillFilters) {
  return paginate(
    issueQuery(organizationId, list),
    issueRows(organizationId, list),
    list.page,
    toIssue
  )
}

export async function allIssues(organizationId: number, list: DrillFilters) {
  const rows = await issueRows(organizationId, list).limit(EXPORT_LIMIT)
  return rows.map(toIssue)
}
