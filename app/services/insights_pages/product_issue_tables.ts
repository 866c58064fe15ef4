import { issueFlow } from '#services/insights/issue_flow'
import { productIssues } from '#services/insights/product_issues'
import { sprintProgress } from '#services/insights/sprint_progress'
import type { InsightScope } from '#services/insights/types'
import {
  csvNumber,
  formatHours,
  formatNumber,
  formatPercent,
} from '#services/insights_pages/format'
import type { PageTable } from '#services/insights_pages/tables'

/**
 * Product Detail's issue tables: the product's issues (of its issue
 * projects and components, and linked to its pull requests), how those
 * resolved in the period flowed (issue cycle time, time in each status),
 * and what its sprints planned against what they finished.
 */

const day = (moment: Date | null) => (moment ? moment.toISOString().slice(0, 10) : null)
const share = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : null)

export async function productIssueTables(scope: InsightScope): Promise<PageTable[]> {
  const [issues, flow, sprints] = await Promise.all([
    productIssues(scope),
    issueFlow(scope),
    sprintProgress(scope),
  ])
  const issueTable: PageTable = {
    name: 'product_issues',
    title: 'Issues worked on',
    columns: ['Issue', 'Title', 'Type', 'Status', 'Sprint', 'Opened', 'Resolved'],
    csvColumns: ['issue', 'title', 'type', 'status', 'sprint', 'opened', 'resolved'],
    cells: issues.map((issue) => [
      issue.key,
      issue.title,
      issue.type,
      issue.status,
      issue.sprint ?? '—',
      day(issue.openedAt) ?? '—',
      day(issue.resolvedAt) ?? '—',
    ]),
    values: issues.map((issue) => [
      issue.key,
      issue.title,
      issue.type,
      issue.status,
      issue.sprint,
      day(issue.openedAt),
      day(issue.resolvedAt),
    ]),
    links: issues.map((issue) => issue.url),
    empty:
      'No issue of its projects or components, nor linked to its pull requests, was open in this period.',
  }
  const flowTable: PageTable = {
    name: 'issue_flow',
    title: 'Issue flow',
    columns: ['Measure', 'Value'],
    csvColumns: ['measure', 'value'],
    cells: [
      ['Work in progress (issues in progress now)', formatNumber(flow.inProgress, 0)],
      ['Issues resolved', formatNumber(flow.resolved, 0)],
      ['Issue cycle time (median, in progress → resolved)', formatHours(flow.cycleTimeMedianHours)],
      ['Issues with a cycle time', formatNumber(flow.withCycleTime, 0)],
      ['Issue lead time (median, created → resolved)', formatHours(flow.leadTimeMedianHours)],
    ],
    values: [
      ['work_in_progress', flow.inProgress],
      ['issues_resolved', flow.resolved],
      ['issue_cycle_time_median_hours', csvNumber(flow.cycleTimeMedianHours)],
      ['issues_with_cycle_time', flow.withCycleTime],
      ['issue_lead_time_median_hours', csvNumber(flow.leadTimeMedianHours)],
    ],
    empty: 'This product has no issue yet.',
  }
  const statusTable: PageTable = {
    name: 'time_in_status',
    title: 'Time in status (issues resolved in the period)',
    columns: ['Status', 'Issues', 'Median time', 'Total time'],
    csvColumns: ['status', 'issues', 'median_hours', 'total_hours'],
    cells: flow.statuses.map((status) => [
      status.status,
      formatNumber(status.issues, 0),
      formatHours(status.medianHours),
      formatHours(status.totalHours),
    ]),
    values: flow.statuses.map((status) => [
      status.status,
      status.issues,
      csvNumber(status.medianHours),
      csvNumber(status.totalHours),
    ]),
    empty: 'No status history for the issues resolved in this period.',
  }
  const sprintTable: PageTable = {
    name: 'sprints',
    title: 'Sprints: planned against finished',
    columns: [
      'Sprint',
      'Board',
      'State',
      'Dates',
      'Issues planned',
      'Finished',
      'Points planned',
      'Points finished',
    ],
    csvColumns: [
      'sprint',
      'board',
      'state',
      'start',
      'end',
      'completed',
      'issues_planned',
      'issues_finished',
      'finished_percent',
      'points_planned',
      'points_finished',
    ],
    cells: sprints.map((sprint) => [
      sprint.name,
      sprint.board ?? '—',
      sprint.state,
      `${day(sprint.startAt) ?? '?'} → ${day(sprint.completedAt ?? sprint.endAt) ?? '?'}`,
      formatNumber(sprint.plannedIssues, 0),
      `${formatNumber(sprint.finishedIssues, 0)} (${formatPercent(share(sprint.finishedIssues, sprint.plannedIssues))})`,
      formatNumber(sprint.plannedPoints, 1),
      formatNumber(sprint.finishedPoints, 1),
    ]),
    values: sprints.map((sprint) => [
      sprint.name,
      sprint.board,
      sprint.state,
      day(sprint.startAt),
      day(sprint.endAt),
      day(sprint.completedAt),
      sprint.plannedIssues,
      sprint.finishedIssues,
      csvNumber(share(sprint.finishedIssues, sprint.plannedIssues)),
      csvNumber(sprint.plannedPoints),
      csvNumber(sprint.finishedPoints),
    ]),
    empty: 'No sprint holding this product’s issues ran in this period.',
  }
  return [issueTable, flowTable, statusTable, sprintTable]
}
