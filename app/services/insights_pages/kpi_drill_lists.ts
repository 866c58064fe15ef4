import { utcMinute } from '#services/insights_pages/drill'
import { hours, type DrillList } from '#services/insights_pages/drill_lists'
import { formatHours, formatPercent } from '#services/insights_pages/format'
import {
  allCommits,
  allContributors,
  allFirstReviews,
  commitShare,
  firstReviewMedian,
  listCommits,
  listContributors,
  listFirstReviews,
  type CommitRow,
  type ContributorRow,
  type FirstReviewRow,
} from '#queries/kpi_lists'
import {
  allDeployedChanges,
  leadTimeMedian,
  listDeployedChanges,
  type DeployedChangeRow,
} from '#queries/deployed_changes'
import {
  commitListValidator,
  contributorListValidator,
  deployedChangeListValidator,
  firstReviewListValidator,
} from '#validators/drill_down'

/**
 * The lists behind time to first review, lead time for changes, the
 * AI-assisted share and the active contributors (rows from
 * app/queries/kpi_lists.ts). Each shows the KPI's own figure over all
 * its rows, so the list and the card can be compared.
 */
const pullRequestCell = (row: {
  repository: string
  number: number
  title: string
  url: string | null
}) => ({
  text: `${row.repository} #${row.number}`,
  href: row.url,
  note: row.title,
})

/** a deployed change: a commit (per-commit lead time) or a pull request (the fallback) */
const changeCell = (row: DeployedChangeRow) =>
  row.kind === 'commit'
    ? { text: `${row.repository} ${row.sha!.slice(0, 7)}`, href: row.url, note: row.title }
    : pullRequestCell({ ...row, number: row.number! })

export const FIRST_REVIEWS: DrillList<FirstReviewRow> = {
  path: '/insights/first-reviews',
  title: 'First reviews',
  noun: ['first review', 'first reviews'],
  lead: (list) =>
    `The pull requests behind time to first review: first reviewed ${list.from} to ${list.to} (UTC days), between their opening and their merge; the wait starts when the pull request became ready for review.`,
  validator: firstReviewListValidator,
  selects: [
    {
      name: 'sort',
      label: 'Sort',
      options: [
        ['-reviewed', 'Newest'],
        ['reviewed', 'Oldest'],
        ['-wait', 'Longest wait'],
        ['wait', 'Shortest wait'],
      ],
    },
  ],
  columns: ['Pull request', 'Author', 'Ready (UTC)', 'First review (UTC)', 'Wait'],
  cells: (row) => [
    pullRequestCell(row),
    { text: row.author ?? '–' },
    { text: utcMinute(row.readyAt)! },
    { text: utcMinute(row.firstReviewAt)! },
    { text: hours(row.waitHours) },
  ],
  csvColumns: [
    'Repository',
    'Number',
    'Title',
    'Author',
    'Provider',
    'Ready (UTC)',
    'First review (UTC)',
    'Wait (h)',
    'URL',
  ],
  csv: (row) => [
    row.repository,
    row.number,
    row.title,
    row.author,
    row.provider,
    row.readyAt.toISOString(),
    row.firstReviewAt.toISOString(),
    row.waitHours,
    row.url,
  ],
  page: listFirstReviews,
  all: allFirstReviews,
  summary: async (organizationId, list) =>
    `median wait ${formatHours(await firstReviewMedian(organizationId, list))}`,
}

export const DEPLOYED_CHANGES: DrillList<DeployedChangeRow> = {
  path: '/insights/deployed-changes',
  title: 'Deployed changes',
  noun: ['deployed change', 'deployed changes'],
  lead: (list) =>
    `The changes behind lead time for changes, first deployed to production ${list.from} to ${list.to} (UTC days): each commit, from its commit time to the first successful production deployment that contains it; in repositories whose commit history is unknown, each merged pull request, from its first commit (or opening) to its first production deployment after the merge.`,
  validator: deployedChangeListValidator,
  selects: [
    {
      name: 'sort',
      label: 'Sort',
      options: [
        ['-deployed', 'Newest'],
        ['deployed', 'Oldest'],
        ['-lead', 'Longest lead time'],
        ['lead', 'Shortest lead time'],
      ],
    },
  ],
  columns: ['Change', 'Author', 'Started (UTC)', 'Deployed (UTC)', 'Lead time'],
  cells: (row) => [
    changeCell(row),
    { text: row.author ?? '–' },
    { text: utcMinute(row.startedAt)! },
    { text: utcMinute(row.deployedAt)! },
    { text: hours(row.leadHours) },
  ],
  csvColumns: [
    'Kind',
    'Repository',
    'Number',
    'SHA',
    'Title',
    'Author',
    'Provider',
    'Started (UTC)',
    'Merged (UTC)',
    'Deployed (UTC)',
    'Lead time (h)',
    'URL',
  ],
  csv: (row) => [
    row.kind === 'commit' ? 'commit' : 'pull request',
    row.repository,
    row.number,
    row.sha,
    row.title,
    row.author,
    row.provider,
    row.startedAt.toISOString(),
    row.mergedAt?.toISOString() ?? null,
    row.deployedAt.toISOString(),
    row.leadHours,
    row.url,
  ],
  page: listDeployedChanges,
  all: allDeployedChanges,
  summary: async (organizationId, list) =>
    `median lead time ${formatHours(await leadTimeMedian(organizationId, list))}`,
}

export const COMMITS: DrillList<CommitRow> = {
  path: '/insights/commits',
  title: 'Commits',
  noun: ['commit', 'commits'],
  lead: (list) =>
    `Commits made ${list.from} to ${list.to} (UTC days); a commit is AI-assisted when its trailers say so. The AI share of the code is its composition, in the AI Code Monitor.`,
  validator: commitListValidator,
  selects: [
    {
      name: 'ai',
      label: 'AI',
      options: [
        ['', 'All'],
        ['1', 'AI-assisted'],
        ['0', 'Not AI-assisted'],
      ],
    },
    {
      name: 'sort',
      label: 'Sort',
      options: [
        ['-committed', 'Newest'],
        ['committed', 'Oldest'],
      ],
    },
  ],
  columns: ['Commit', 'Repository', 'Author', 'Committed (UTC)', 'AI-assisted'],
  cells: (row) => [
    { text: row.sha.slice(0, 10), href: row.url, note: row.subject },
    { text: row.repository },
    { text: row.author ?? '–' },
    { text: utcMinute(row.committedAt)! },
    { text: row.aiAssisted ? 'yes' : '–' },
  ],
  csvColumns: [
    'SHA',
    'Subject',
    'Repository',
    'Author',
    'Provider',
    'Committed (UTC)',
    'AI-assisted',
    'URL',
  ],
  csv: (row) => [
    row.sha,
    row.subject,
    row.repository,
    row.author,
    row.provider,
    row.committedAt.toISOString(),
    row.aiAssisted ? 'yes' : 'no',
    row.url,
  ],
  page: listCommits,
  all: allCommits,
  summary: async (organizationId, list) => {
    const share = await commitShare(organizationId, list)
    return `${share.aiCommits} of ${share.commits} AI-assisted (${formatPercent(share.share)})`
  },
}

export const CONTRIBUTORS: DrillList<ContributorRow> = {
  path: '/insights/contributors',
  title: 'Active contributors',
  noun: ['active contributor', 'active contributors'],
  perPerson: true,
  lead: (list) =>
    `The people who opened a pull request or made a commit ${list.from} to ${list.to} (UTC days), bots left out; accounts a person owns on several providers count once.`,
  validator: contributorListValidator,
  selects: [
    {
      name: 'sort',
      label: 'Sort',
      options: [
        ['-activity', 'Most active'],
        ['activity', 'Least active'],
      ],
    },
  ],
  columns: ['Contributor', 'Pull requests opened', 'Commits'],
  cells: (row) => [
    { text: row.name },
    { text: String(row.pullRequests) },
    { text: String(row.commits) },
  ],
  csvColumns: ['Contributor', 'Pull requests opened', 'Commits'],
  csv: (row) => [row.name, row.pullRequests, row.commits],
  page: listContributors,
  all: allContributors,
}
