import type { CsvCell } from '#services/insights_pages/csv'
import { utcMinute, type DrillFilters } from '#services/insights_pages/drill'
import {
  allDeployments,
  allIssues,
  allVulnerabilities,
  listDeployments,
  listIssues,
  listVulnerabilities,
  type DeploymentRow,
  type IssueRow,
  type VulnerabilityRow,
} from '#queries/drill_lists'
import {
  deploymentListValidator,
  issueListValidator,
  vulnerabilityListValidator,
} from '#validators/drill_down'

/** one cell of a drill-down table: text, and a link to the item on its provider */
export type DrillCell = { text: string; href?: string | null; note?: string | null }

type Select = { name: string; label: string; options: Array<[string, string]> }

/**
 * How each drill-down list reads, shows and exports its rows. The rows
 * come from app/queries/drill_lists.ts.
 */
export type DrillList<Row> = {
  path: string
  title: string
  noun: [string, string]
  lead: (list: DrillFilters) => string
  validator: { validate(data: unknown): Promise<Record<string, unknown>> }
  selects: Select[]
  columns: string[]
  cells: (row: Row) => DrillCell[]
  csvColumns: string[]
  csv: (row: Row) => CsvCell[]
  page: (
    organizationId: number,
    list: DrillFilters
  ) => Promise<{
    total: number
    page: number
    lastPage: number
    rows: Row[]
  }>
  all: (organizationId: number, list: DrillFilters) => Promise<Row[]>
  /**
   * The figure the KPI shows, computed over every matching row (not the
   * page): "median 5.2 h", "12 of 40 AI-assisted (30%)".
   */
  summary?: (organizationId: number, list: DrillFilters) => Promise<string>
  /** its rows are people with their figures: shown only when the organisation allows it */
  perPerson?: boolean
}

export const hours = (value: number | null) => (value === null ? '–' : `${value} h`)

export const DEPLOYMENTS: DrillList<DeploymentRow> = {
  path: '/insights/deployments',
  title: 'Production deployments',
  noun: ['production deployment', 'production deployments'],
  lead: (list) =>
    `The deployments behind deployment frequency, change failure rate and time to restore, started ${list.from} to ${list.to} (UTC days): successful deployments to production or an unnamed environment.`,
  validator: deploymentListValidator,
  selects: [
    {
      name: 'failed',
      label: 'Failures',
      options: [
        ['', 'All'],
        ['1', 'Caused a failure'],
      ],
    },
    {
      name: 'sort',
      label: 'Sort',
      options: [
        ['-started', 'Newest'],
        ['started', 'Oldest'],
      ],
    },
  ],
  columns: ['Deployment', 'Environment', 'Started (UTC)', 'Failure', 'Restored after'],
  cells: (row) => [
    { text: row.repository ?? '(no repository)', href: row.url, note: row.provider },
    { text: row.environment ?? '(unnamed)' },
    { text: utcMinute(row.startedAt)! },
    { text: row.failed ? 'caused a failure' : '–' },
    { text: row.failed ? hours(row.restoreHours) : '–' },
  ],
  csvColumns: [
    'Repository',
    'Environment',
    'Provider',
    'Started (UTC)',
    'Caused failure',
    'Restored after (h)',
    'URL',
  ],
  csv: (row) => [
    row.repository,
    row.environment,
    row.provider,
    row.startedAt.toISOString(),
    row.failed ? 'yes' : 'no',
    row.restoreHours,
    row.url,
  ],
  page: listDeployments,
  all: allDeployments,
}

export const VULNERABILITIES: DrillList<VulnerabilityRow> = {
  path: '/insights/vulnerabilities',
  title: 'Open vulnerabilities',
  noun: ['open vulnerability', 'open vulnerabilities'],
  lead: (list) =>
    `The vulnerabilities open at the end of ${list.to} (UTC): introduced before it, not ignored, and fixed after it or still open. Age is counted on that day.`,
  validator: vulnerabilityListValidator,
  selects: [
    {
      name: 'severity',
      label: 'Severity',
      options: [
        ['', 'All'],
        ['critical', 'Critical'],
        ['high', 'High'],
        ['medium', 'Medium'],
        ['low', 'Low'],
      ],
    },
    {
      name: 'sort',
      label: 'Sort',
      options: [
        ['introduced', 'Oldest'],
        ['-introduced', 'Newest'],
      ],
    },
  ],
  columns: ['Vulnerability', 'Severity', 'Repository', 'Introduced (UTC)', 'Age'],
  cells: (row) => [
    {
      text: row.identifier ? `${row.identifier}: ${row.title}` : row.title,
      href: row.url,
      note: row.packageName,
    },
    { text: row.severity },
    { text: row.repository ?? '(no repository)' },
    { text: utcMinute(row.introducedAt)! },
    { text: `${row.ageDays} d` },
  ],
  csvColumns: [
    'Identifier',
    'Title',
    'Severity',
    'Package',
    'Repository',
    'Provider',
    'Introduced (UTC)',
    'Age (days)',
    'URL',
  ],
  csv: (row) => [
    row.identifier,
    row.title,
    row.severity,
    row.packageName,
    row.repository,
    row.provider,
    row.introducedAt.toISOString(),
    row.ageDays,
    row.url,
  ],
  page: listVulnerabilities,
  all: allVulnerabilities,
}

export const ISSUES: DrillList<IssueRow> = {
  path: '/insights/issues',
  title: 'Issues opened',
  noun: ['issue', 'issues'],
  lead: (list) => `The issues behind the bug rate, opened ${list.from} to ${list.to} (UTC days).`,
  validator: issueListValidator,
  selects: [
    {
      name: 'type',
      label: 'Type',
      options: [
        ['', 'All'],
        ['bug', 'Bugs'],
      ],
    },
    {
      name: 'sort',
      label: 'Sort',
      options: [
        ['-opened', 'Newest'],
        ['opened', 'Oldest'],
      ],
    },
  ],
  columns: ['Issue', 'Type', 'Status', 'Assignee', 'Opened (UTC)', 'Resolved (UTC)'],
  cells: (row) => [
    { text: row.key, href: row.url, note: row.title },
    { text: row.type },
    { text: row.status },
    { text: row.assignee ?? '–' },
    { text: utcMinute(row.openedAt)! },
    { text: utcMinute(row.resolvedAt) ?? '–' },
  ],
  csvColumns: [
    'Key',
    'Title',
    'Type',
    'Status',
    'Assignee',
    'Repository',
    'Provider',
    'Opened (UTC)',
    'Resolved (UTC)',
    'URL',
  ],
  csv: (row) => [
    row.key,
    row.title,
    row.type,
    row.status,
    row.assignee,
    row.repository,
    row.provider,
    row.openedAt.toISOString(),
    row.resolvedAt?.toISOString() ?? null,
    row.url,
  ],
  page: listIssues,
  all: allIssues,
}
