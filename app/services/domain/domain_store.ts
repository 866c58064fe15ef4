import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { fromSqlTime, sqlTime } from '#services/sql'
import { publicIds } from '#services/public_id'
import { isAiAssisted, parseTrailers } from '#services/domain/commit_trailers'
import { carriesAiSignal, pullRequestMarker } from '#services/ai_code/built_in_signals'
import { writeSignalFacts } from '#services/ai_code/signal_facts'
import { factChanges, type AiFactsListener } from '#services/ai_code/fact_changes'
import { commitShasOf } from '#services/ai_code/attestations'
import { replaceSnapshot } from '#services/domain/repository_snapshots'
import { guardRestore } from '#services/domain/restore_guard'
import { markInsightsDirty } from '#services/insights/refresh_marks'
import { incidentWindowHours } from '#services/insights/rollup_sql'
import {
  normaliseReference,
  resolutionFor,
  resolvePendingReferences,
  resolveReferences,
  type NormalisedReference,
} from '#services/domain/repository_references'
import { assignPeople } from '#services/domain/people'
import { importTeams } from '#services/domain/team_imports'
import { linkIssues, linkPullRequests } from '#services/domain/issue_links'
import { linkCommits, linkIssuesToCommits } from '#services/domain/issue_commit_links'
import {
  linkCommitsPullRequests,
  linkIssuesThroughCommits,
  linkPullRequestsThroughCommits,
} from '#services/domain/issue_links_through_commits'
import { recordTombstones, withoutTombstoned } from '#services/domain/issue_tombstones'
import {
  canonicalRepositoryKey,
  normalisedFullName,
  type RepositoryRef,
} from '#plugin-sdk/identity'
import { writeGitAiNotes } from '#services/ai_code/git_ai_note_facts'
import { parseAuthorshipLog, type AuthorshipLog } from '#services/ai_code/git_ai_notes'
import type {
  CommitInput,
  ContributorInput,
  DeploymentInput,
  DomainStore,
  GitAiNoteInput,
  IssueInput,
  PullRequestInput,
  RepositoryInput,
  SnapshotOptions,
  SprintInput,
  StoredRepository,
  TeamInput,
  VulnerabilityInput,
} from '#plugin-sdk/domain'

/**
 * The commits kept on a pull request's row (`commit_shas`, JSON), the
 * first ones its code host listed: 10,000 SHAs are ~430 KB, a bound on one
 * row. Commits past it are still stored with their facts of their own; the
 * row's marker does not reach them (docs/ai_code.md).
 */
const MAX_STORED_COMMIT_SHAS = 10_000

/** a list of names as the JSON text column keeps it; null when the provider gave none */
function names(list: string[] | null | undefined): string | null {
  if (!Array.isArray(list)) return null
  return JSON.stringify(list.map((name) => String(name).slice(0, 255)))
}

type Fence = { organizationId: number; provider: string; connectionId: number | null }

/**
 * Told, after each write of rows the insights rollup reads, the earliest
 * UTC day those rows are bucketed on. By default the organisation is
 * marked "insights dirty" (webhooks, anything outside a sync run); a sync
 * run collects the day itself and refreshes once at its end.
 */
export type InsightRowsListener = (organizationId: number, day: string) => Promise<void> | void
type Row = Record<string, unknown>

/**
 * Rows per INSERT: well under SQLite's bound-variable limit for the
 * widest table, and large enough that a page of 100 is one statement.
 */
const BATCH_SIZE = 100
const IDENTITY = ['organization_id', 'provider', 'external_id']

/**
 * The columns whose UTC day the insights rollup buckets each table's rows
 * on (app/services/insights/rollup_sql.ts). Writing rows of these tables
 * reports the earliest such day (InsightRowsListener); vulnerabilities
 * are read raw, so they only need today's refresh (it drops the cached
 * fragments).
 */
const ROLLUP_MOMENTS: Record<string, string[]> = {
  pull_requests: ['opened_at', 'first_review_at', 'merged_at'],
  commits: ['committed_at'],
  issues: ['opened_at'],
  deployments: ['started_at'],
  vulnerabilities: [],
}

function earliestDay(rows: Row[], columns: string[]) {
  let earliest = DateTime.utc().toISODate()!
  for (const row of rows) {
    for (const column of columns) {
      const value = row[column]
      // written by moment(): the engine's datetime format, in UTC
      if (typeof value === 'string' && value.slice(0, 10) < earliest) earliest = value.slice(0, 10)
    }
  }
  return earliest
}

function moment(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null
  const parsed =
    value instanceof Date ? DateTime.fromJSDate(value) : DateTime.fromISO(value, { setZone: true })
  if (!parsed.isValid) throw new TypeError(`"${String(value)}" is not a valid date`)
  return sqlTime(parsed.toUTC())
}

function required(value: Date | string, field: string): string {
  const stored = moment(value)
  if (!stored) throw new TypeError(`${field} is required`)
  return stored
}

function storedRepository(row: Row): StoredRepository {
  return {
    publicId: publicIds('repository').encode(row.id as number),
    externalId: row.external_id as string,
    name: row.name as string,
    fullName: row.full_name as string,
    defaultBranch: (row.default_branch as string | null) ?? null,
    monitored: Boolean(row.monitored),
    lastCommitSha: (row.last_commit_sha as string | null) ?? null,
    isArchived: Boolean(row.is_archived),
    snapshotAt: fromSqlTime(row.snapshot_at),
  }
}

/**
 * The domain model seen through one (organisation, provider, connection):
 * plugins get this and nothing wider.
 */
export class FencedDomainStore implements DomainStore {
  constructor(
    readonly fence: Fence,
    private readonly onInsightRows: InsightRowsListener = markInsightsDirty,
    /** told the external ids of the pull requests each upsert wrote (the AI-code policy) */
    private readonly onPullRequests?: (externalIds: string[]) => void,
    /**
     * told, after each write that changed line facts (built-in signals,
     * Git AI notes), which commits of which repository: the owner of the
     * store (an action) rebuilds the GBOMs and checks the pull requests
     * again. Without one the facts are written and nothing follows.
     */
    private readonly onAiFacts?: AiFactsListener
  ) {}

  async #signal(repositoryId: number, shas: string[]) {
    const changed = await writeSignalFacts(this.fence.organizationId, repositoryId, shas)
    if (changed > 0)
      await this.onAiFacts?.(this.fence.organizationId, factChanges(repositoryId, shas))
  }

  async upsertRepositories(rows: RepositoryInput[]) {
    const written = await this.#upsert(
      'repositories',
      rows.map((row) => ({
        external_id: row.externalId,
        name: row.name,
        full_name: row.fullName,
        url: row.url ?? null,
        canonical_key: canonicalRepositoryKey(row.cloneUrl) ?? canonicalRepositoryKey(row.url),
        default_branch: row.defaultBranch ?? null,
        is_private: row.isPrivate ?? true,
        is_archived: row.isArchived ?? false,
        language: row.language ?? null,
        remote_updated_at: moment(row.remoteUpdatedAt),
      }))
    )
    // references other providers wrote before this repository was known
    await resolvePendingReferences(
      this.fence.organizationId,
      rows.flatMap((row) => [
        canonicalRepositoryKey(row.cloneUrl) ?? '',
        canonicalRepositoryKey(row.url) ?? '',
        normalisedFullName(row.fullName) ?? '',
        `${this.fence.provider}:${row.externalId}`,
      ])
    )
    return written
  }

  async upsertContributors(rows: ContributorInput[]) {
    const written = await this.#upsert(
      'contributors',
      rows.map((row) => ({
        external_id: row.externalId,
        login: row.login,
        name: row.name ?? null,
        email: row.email ?? null,
        email_verified: row.emailVerified ?? false,
        linked_identities: row.links?.length
          ? JSON.stringify(row.links.map((link) => `${link.provider}:${link.externalId}`))
          : null,
        is_bot: row.isBot ?? false,
      }))
    )
    await assignPeople(
      this.fence,
      rows.filter((row) => !row.isBot).map((row) => row.externalId)
    )
    return written
  }

  async upsertPullRequests(rows: PullRequestInput[]) {
    const repositories = await this.#repositoryKeys(rows.map((row) => row.repositoryExternalId))
    const written = await this.#upsert(
      'pull_requests',
      rows.map((row) => ({
        external_id: row.externalId,
        repository_id: this.#repositoryKey(repositories, row.repositoryExternalId),
        number: row.number,
        title: row.title.slice(0, 1024),
        state: row.state,
        author_login: row.authorLogin ?? null,
        base_ref: row.baseRef ?? null,
        head_ref: row.headRef ?? null,
        head_sha: row.headSha ?? null,
        draft: row.draft ?? false,
        additions: row.additions ?? null,
        deletions: row.deletions ?? null,
        changed_files: row.changedFiles ?? null,
        commits_count: row.commitsCount ?? null,
        url: row.url ?? null,
        opened_at: required(row.openedAt, 'openedAt'),
        first_commit_at: moment(row.firstCommitAt),
        first_review_at: moment(row.firstReviewAt),
        ready_for_review_at: moment(row.readyForReviewAt),
        approved_at: moment(row.approvedAt),
        merged_at: moment(row.mergedAt),
        closed_at: moment(row.closedAt),
        remote_updated_at: moment(row.remoteUpdatedAt),
      })),
      // a sync knows no ready-for-review moment: keep the webhook's
      ['ready_for_review_at']
    )
    // the marker line of a body, when the plugin gave one (absent keeps it);
    // a marker that went away takes its commits' signal facts with it
    const described = rows.filter((candidate) => candidate.body !== undefined)
    const wasMarked = await db
      .from('pull_requests')
      .where('organization_id', this.fence.organizationId)
      .where('provider', this.fence.provider)
      .whereIn(
        'external_id',
        described.filter((row) => !pullRequestMarker(row.body)).map((row) => row.externalId)
      )
      .whereNotNull('ai_marker')
      .select('external_id')
    const cleared = wasMarked.map((row) => String(row.external_id))
    // markers are rare: one statement clears those that went away, and
    // only the marked rows are written one by one (not every described row)
    if (cleared.length > 0) {
      await db
        .from('pull_requests')
        .where('organization_id', this.fence.organizationId)
        .where('provider', this.fence.provider)
        .whereIn('external_id', cleared)
        .update({ ai_marker: null })
    }
    for (const row of described) {
      const marker = pullRequestMarker(row.body)
      if (!marker) continue
      await db
        .from('pull_requests')
        .where('organization_id', this.fence.organizationId)
        .where('provider', this.fence.provider)
        .where('external_id', row.externalId)
        .update({ ai_marker: marker })
    }
    const ids = rows.map((row) => row.externalId)
    await linkPullRequests(this.fence.organizationId, this.fence.provider, ids)
    // the commits a code host listed; a row without them keeps what it had
    for (const row of rows.filter((candidate) => candidate.commitShas !== undefined)) {
      await db
        .from('pull_requests')
        .where('organization_id', this.fence.organizationId)
        .where('provider', this.fence.provider)
        .where('external_id', row.externalId)
        .update({
          commit_shas: JSON.stringify(row.commitShas!.slice(0, MAX_STORED_COMMIT_SHAS)),
        })
    }
    await linkPullRequestsThroughCommits(this.fence.organizationId, this.fence.provider, ids)
    await this.#signalMarkedPullRequests(ids, cleared)
    this.onPullRequests?.(rows.map((row) => row.externalId))
    return written
  }

  async upsertCommits(rows: CommitInput[]) {
    const repositories = await this.#repositoryKeys(rows.map((row) => row.repositoryExternalId))
    const externalId = (row: CommitInput) =>
      row.externalId ?? `${row.repositoryExternalId}:${row.sha}`
    const written = await this.#upsert(
      'commits',
      rows.map((row) => {
        const trailers = parseTrailers(row.message)
        return {
          external_id: externalId(row),
          repository_id: this.#repositoryKey(repositories, row.repositoryExternalId),
          sha: row.sha,
          message: row.message,
          author_login: row.authorLogin ?? null,
          author_name: row.authorName ?? null,
          author_email: row.authorEmail ?? null,
          committer_login: row.committerLogin?.slice(0, 255) ?? null,
          committer_name: row.committerName?.slice(0, 255) ?? null,
          committer_email: row.committerEmail?.slice(0, 320) ?? null,
          authored_at: moment(row.authoredAt),
          committed_at: moment(row.committedAt),
          additions: row.additions ?? null,
          deletions: row.deletions ?? null,
          trailers: trailers.length > 0 ? JSON.stringify(trailers) : null,
          ai_assisted: isAiAssisted(trailers),
          parent_shas: row.parentShas ? JSON.stringify(row.parentShas.slice(0, 100)) : null,
          added_lines: row.addedLines ? JSON.stringify(row.addedLines.slice(0, 1000)) : null,
        }
      }),
      // a write that does not know the parents (a push delivery), the
      // added lines (a commit list) or the committer keeps them
      ['parent_shas', 'added_lines', 'committer_login', 'committer_name', 'committer_email']
    )
    // built-in signals become line facts where the added lines are known
    const signalled = new Map<number, string[]>()
    for (const row of rows) {
      if (!row.addedLines && !carriesAiSignal(row)) continue
      const id = this.#repositoryKey(repositories, row.repositoryExternalId)
      signalled.set(id, [...(signalled.get(id) ?? []), row.sha])
    }
    for (const [repositoryId, shas] of signalled) {
      await this.#signal(repositoryId, shas)
    }
    await linkCommits(this.fence.organizationId, this.fence.provider, rows.map(externalId))
    await linkCommitsPullRequests(
      this.fence.organizationId,
      this.fence.provider,
      rows.map(externalId)
    )
    return written
  }

  async upsertIssues(given: IssueInput[]) {
    // an issue deleted since the provider last changed it stays deleted
    const rows = await withoutTombstoned(this.fence, given)
    if (rows.length === 0) return 0
    const repositories = await this.#anyRepositoryKeys(rows)
    const written = await this.#upsert(
      'issues',
      rows.map((row) => ({
        external_id: row.externalId,
        ...repositories(row),
        key: row.key,
        project_key: row.projectKey ?? null,
        title: row.title.slice(0, 1024),
        type: row.type ?? 'task',
        status: row.status,
        status_category: row.statusCategory,
        priority: row.priority ?? null,
        assignee_login: row.assigneeLogin ?? null,
        reporter_login: row.reporterLogin ?? null,
        url: row.url ?? null,
        opened_at: required(row.openedAt, 'openedAt'),
        resolved_at: moment(row.resolvedAt),
        remote_updated_at: moment(row.remoteUpdatedAt),
        labels: names(row.labels),
        components: names(row.components),
        fix_versions: names(row.fixVersions),
        sprint: row.sprint?.slice(0, 255) ?? null,
        parent_key: row.parentKey?.slice(0, 64) ?? null,
        epic_key: row.epicKey?.slice(0, 64) ?? null,
        story_points:
          typeof row.storyPoints === 'number' && Number.isFinite(row.storyPoints)
            ? row.storyPoints
            : null,
      }))
    )
    await this.#replaceTransitions(rows)
    await this.#recountDeploymentsBefore(rows)
    const ids = rows.map((row) => row.externalId)
    await linkIssues(this.fence.organizationId, this.fence.provider, ids)
    await linkIssuesToCommits(this.fence.organizationId, this.fence.provider, ids)
    await linkIssuesThroughCommits(this.fence.organizationId, this.fence.provider, ids)
    return written
  }

  /**
   * An incident makes the production deployment before it a failed change
   * (rollup_sql.ts, failedChange): the days that deployment may be counted
   * on, up to the incident window before the incident, are counted again.
   */
  async #recountDeploymentsBefore(rows: IssueInput[]) {
    const incidents = rows.filter((row) => row.type === 'incident')
    if (incidents.length === 0) return
    const earliest = Math.min(...incidents.map((row) => new Date(row.openedAt).getTime()))
    if (!Number.isFinite(earliest)) return
    const day = new Date(earliest - incidentWindowHours() * 3_600_000).toISOString().slice(0, 10)
    await this.onInsightRows(this.fence.organizationId, day)
  }

  async deleteIssues(
    externalIds: string[],
    options: { transaction?: TransactionClientContract; deletedAt?: Date | string | null } = {}
  ) {
    if (externalIds.length === 0) return 0
    const deletedAt = options.deletedAt ? new Date(options.deletedAt) : new Date()
    if (Number.isNaN(deletedAt.getTime())) {
      throw new TypeError(`"${String(options.deletedAt)}" is not a valid date`)
    }
    const remove = async (trx: TransactionClientContract) => {
      await recordTombstones(trx, this.fence, externalIds, deletedAt)
      let deleted = 0
      let earliest: string | null = null
      for (let start = 0; start < externalIds.length; start += BATCH_SIZE) {
        const issues: Array<{ id: number; opened_at: unknown }> = await trx
          .from('issues')
          .where('organization_id', this.fence.organizationId)
          .where('provider', this.fence.provider)
          .whereIn('external_id', externalIds.slice(start, start + BATCH_SIZE))
          .select('id', 'opened_at')
        if (issues.length === 0) continue
        const ids = issues.map((issue) => issue.id)
        for (const table of ['issue_status_transitions', 'issue_pull_requests', 'issue_commits']) {
          await trx
            .from(table)
            .where('organization_id', this.fence.organizationId)
            .whereIn('issue_id', ids)
            .delete()
        }
        await trx.from('issues').whereIn('id', ids).delete()
        deleted += issues.length
        for (const issue of issues) {
          const day = (fromSqlTime(issue.opened_at) ?? new Date()).toISOString().slice(0, 10)
          if (earliest === null || day < earliest) earliest = day
        }
      }
      return { deleted, earliest }
    }
    // the days the deleted issues were counted on are counted again, once
    // the removal is committed (a delivery's transaction holds SQLite's
    // only connection until then)
    const recount = async (earliest: string | null) => {
      if (earliest) await this.onInsightRows(this.fence.organizationId, earliest)
    }
    if (options.transaction) {
      const trx = options.transaction
      const { deleted, earliest } = await remove(trx)
      trx.after('commit', () => {
        recount(earliest).catch((error) => logger.warn({ err: error }, 'insights not marked'))
      })
      return deleted
    }
    const { deleted, earliest } = await db.transaction(remove)
    await recount(earliest)
    return deleted
  }

  /** the status histories given with the issues replace the stored ones, in one transaction */
  async #replaceTransitions(rows: IssueInput[]) {
    const histories = new Map(
      rows.filter((row) => row.transitions).map((row) => [row.externalId, row.transitions!])
    )
    if (histories.size === 0) return
    const knex = db.connection().getWriteClient()
    await knex.transaction(async (trx) => {
      const externalIds = [...histories.keys()]
      for (let start = 0; start < externalIds.length; start += BATCH_SIZE) {
        const issues: Array<{ id: number; external_id: string }> = await trx('issues')
          .where('organization_id', this.fence.organizationId)
          .where('provider', this.fence.provider)
          .whereIn('external_id', externalIds.slice(start, start + BATCH_SIZE))
          .select('id', 'external_id')
        const ids = issues.map((issue) => issue.id)
        await trx('issue_status_transitions')
          .where('organization_id', this.fence.organizationId)
          .whereIn('issue_id', ids)
          .delete()
        const transitions = issues.flatMap((issue) =>
          histories.get(issue.external_id)!.map((transition) => ({
            organization_id: this.fence.organizationId,
            issue_id: issue.id,
            transitioned_at: required(transition.at, 'transitions.at'),
            from_status: transition.from?.slice(0, 64) ?? null,
            to_status: transition.to.slice(0, 64),
            to_category: transition.toCategory ?? null,
          }))
        )
        for (let offset = 0; offset < transitions.length; offset += BATCH_SIZE) {
          await trx('issue_status_transitions').insert(
            transitions.slice(offset, offset + BATCH_SIZE)
          )
        }
      }
    })
  }

  async upsertVulnerabilities(rows: VulnerabilityInput[]) {
    const repositories = await this.#anyRepositoryKeys(rows)
    return this.#upsert(
      'vulnerabilities',
      rows.map((row) => ({
        external_id: row.externalId,
        ...repositories(row),
        title: row.title.slice(0, 1024),
        severity: row.severity,
        identifier: row.identifier ?? null,
        package_name: row.packageName ?? null,
        status: row.status,
        url: row.url ?? null,
        introduced_at: required(row.introducedAt, 'introducedAt'),
        fixed_at: moment(row.fixedAt),
        remote_updated_at: moment(row.remoteUpdatedAt),
        exploit_maturity: row.exploitMaturity?.trim().slice(0, 64) || null,
        fix_available: row.fixAvailable ?? null,
      }))
    )
  }

  upsertTeams(rows: TeamInput[]) {
    return importTeams(this.fence, rows)
  }

  async upsertSprints(rows: SprintInput[]) {
    const states = new Set(['future', 'active', 'closed'])
    return this.#upsert(
      'sprints',
      rows.map((row) => ({
        external_id: row.externalId,
        name: row.name.slice(0, 255),
        state: states.has(row.state) ? row.state : 'future',
        goal: row.goal || null,
        board_external_id: row.boardExternalId ?? null,
        board_name: row.boardName?.slice(0, 255) ?? null,
        start_at: moment(row.startAt),
        end_at: moment(row.endAt),
        completed_at: moment(row.completedAt),
      }))
    )
  }

  async upsertDeployments(rows: DeploymentInput[]) {
    const repositories = await this.#anyRepositoryKeys(rows)
    return this.#upsert(
      'deployments',
      rows.map((row) => {
        const startedAt = required(row.startedAt, 'startedAt')
        const finishedAt = moment(row.finishedAt)
        const restore = guardRestore({
          externalId: row.externalId,
          startedAt,
          finishedAt,
          restoredAt: moment(row.restoredAt),
        })
        return {
          external_id: row.externalId,
          ...repositories(row),
          kind: row.kind ?? 'deployment',
          environment: row.environment ?? null,
          status: row.status,
          sha: row.sha ?? null,
          caused_failure: row.causedFailure ?? false,
          started_at: startedAt,
          finished_at: finishedAt,
          restored_at: restore.restoredAt,
          restore_note: restore.note,
          url: row.url ?? null,
        }
      })
    )
  }

  async repositories(options: { monitoredOnly?: boolean } = {}): Promise<StoredRepository[]> {
    const query = this.#reachableRepositories().orderBy('full_name')
    if (options.monitoredOnly) query.where('monitored', true)
    const rows = await query
    return rows.map(storedRepository)
  }

  async repository(externalId: string): Promise<StoredRepository | null> {
    const row = await this.#reachableRepositories().where('external_id', externalId).first()
    return row ? storedRepository(row) : null
  }

  /** A repository another connection (or none, once detached) reaches is not this one's to sync. */
  #reachableRepositories() {
    const query = this.#fenced('repositories').select(
      'id',
      'external_id',
      'name',
      'full_name',
      'default_branch',
      'monitored',
      'last_commit_sha',
      'is_archived',
      'snapshot_at'
    )
    if (this.fence.connectionId !== null) query.where('connection_id', this.fence.connectionId)
    return query
  }

  async setMonitored(externalIds: string[], monitored: boolean) {
    if (externalIds.length === 0) return 0
    const result = await this.#fenced('repositories')
      .whereIn('external_id', externalIds)
      .update({ monitored, updated_at: sqlTime() })
    return Number(Array.isArray(result) ? result[0] : result)
  }

  async upsertGitAiNotes(repositoryExternalId: string, notes: GitAiNoteInput[]) {
    const keys = await this.#repositoryKeys([repositoryExternalId])
    const id = this.#repositoryKey(keys, repositoryExternalId)
    const parsed: Array<{ commit: string; log: AuthorshipLog }> = []
    for (const note of notes) {
      if (!/^[0-9a-f]{7,64}$/i.test(note.commitSha)) continue
      try {
        parsed.push({ commit: note.commitSha.toLowerCase(), log: parseAuthorshipLog(note.text) })
      } catch {
        // not a v3 authorship log: skipped, the commit's lines stay unknown
      }
    }
    const written = await writeGitAiNotes(this.fence.organizationId, id, parsed)
    if (written > 0) {
      await this.onAiFacts?.(
        this.fence.organizationId,
        factChanges(
          id,
          parsed.map((note) => note.commit)
        )
      )
    }
    return written
  }

  /**
   * The commits of the given pull requests that carry a marker get their
   * signal facts; those of the ones whose marker was just cleared lose it.
   */
  async #signalMarkedPullRequests(externalIds: string[], cleared: string[]) {
    const pulls = await db
      .from('pull_requests')
      .where('organization_id', this.fence.organizationId)
      .where('provider', this.fence.provider)
      .where((marked) =>
        marked
          .where((query) => query.whereIn('external_id', externalIds).whereNotNull('ai_marker'))
          .orWhereIn('external_id', cleared)
      )
      .select('repository_id', 'commit_shas')
    for (const pull of pulls) {
      await this.#signal(Number(pull.repository_id), commitShasOf(pull.commit_shas))
    }
  }

  async setLastCommitSha(repositoryExternalId: string, sha: string) {
    await this.#fenced('repositories')
      .where('external_id', repositoryExternalId)
      .update({ last_commit_sha: sha, updated_at: sqlTime() })
  }

  async detachRepositories(externalIds: string[]) {
    if (externalIds.length === 0) return 0
    const result = await this.#fenced('repositories')
      .whereIn('external_id', externalIds)
      .update({ connection_id: null, monitored: false, updated_at: sqlTime() })
    return Number(Array.isArray(result) ? result[0] : result)
  }

  async replaceRepositorySnapshot(
    repositoryExternalId: string,
    tarball: NodeJS.ReadableStream | AsyncIterable<Buffer>,
    options: SnapshotOptions
  ) {
    const keys = await this.#repositoryKeys([repositoryExternalId])
    const id = this.#repositoryKey(keys, repositoryExternalId)
    return replaceSnapshot({ id, organizationId: this.fence.organizationId }, tarball, options)
  }

  #fenced(table: string) {
    return db
      .from(table)
      .where('organization_id', this.fence.organizationId)
      .where('provider', this.fence.provider)
  }

  async #repositoryKeys(externalIds: Array<string | null | undefined>) {
    const wanted = [...new Set(externalIds.filter((id): id is string => Boolean(id)))]
    const keys = new Map<string, number>()
    for (let start = 0; start < wanted.length; start += 500) {
      const rows = await this.#fenced('repositories')
        .whereIn('external_id', wanted.slice(start, start + 500))
        .select('id', 'external_id')
      for (const row of rows) keys.set(row.external_id, row.id)
    }
    return keys
  }

  #repositoryKey(keys: Map<string, number>, externalId: string) {
    const key = keys.get(externalId)
    if (key === undefined) {
      throw new TypeError(
        `repository "${externalId}" is not in the store yet: upsert repositories first`
      )
    }
    return key
  }

  /**
   * The repository columns of rows that may name a repository on any
   * provider (`repository`) or this provider's own (`repositoryExternalId`,
   * which must exist). A cross-provider reference that resolves to nothing
   * leaves repository_id empty and points the row at the kept reference.
   */
  async #anyRepositoryKeys(
    rows: Array<{ repositoryExternalId?: string | null; repository?: RepositoryRef | null }>
  ) {
    const own = await this.#repositoryKeys(
      rows.map((row) =>
        typeof row.repository === 'string'
          ? row.repository
          : row.repository
            ? null
            : row.repositoryExternalId
      )
    )
    const references = new Map<(typeof rows)[number], NormalisedReference>()
    for (const row of rows) {
      if (row.repository && typeof row.repository !== 'string') {
        references.set(row, normaliseReference(row.repository))
      }
    }
    const resolved = await resolveReferences(this.fence, [...references.values()])
    return (row: (typeof rows)[number]) => {
      const reference = references.get(row)
      if (reference) {
        const resolution = resolutionFor(resolved, reference)
        return {
          repository_id: resolution.repositoryId,
          repository_reference_id: resolution.referenceId,
        }
      }
      const externalId =
        typeof row.repository === 'string' ? row.repository : row.repositoryExternalId
      return {
        repository_id: externalId ? this.#repositoryKey(own, externalId) : null,
        repository_reference_id: null,
      }
    }
  }

  /**
   * INSERT ... ON CONFLICT (organisation, provider, external id) DO UPDATE,
   * in batches, inside one transaction so a failed batch leaves nothing
   * half-written. Rows the insights rollup reads are then reported to
   * the insights listener (after the commit, so a refresh that sees the
   * mark also sees the rows).
   */
  /** `kept`: columns a null in the new row does not overwrite */
  async #upsert(table: string, rows: Row[], kept: string[] = []) {
    if (rows.length === 0) return 0
    const now = sqlTime()
    // One statement may not touch a row twice (PostgreSQL refuses): the
    // last version of a repeated external id wins.
    // Sorted by key, so concurrent upserts touching the same rows (two
    // repositories' pages naming the same contributors) lock them in the
    // same order and cannot deadlock each other on PostgreSQL.
    const unique = [...new Map(rows.map((row) => [row.external_id, row])).values()].sort((a, b) =>
      String(a.external_id).localeCompare(String(b.external_id))
    )
    const complete = unique.map((row) => ({
      ...row,
      organization_id: this.fence.organizationId,
      provider: this.fence.provider,
      connection_id: this.fence.connectionId,
      created_at: now,
      updated_at: now,
    }))
    const updated = Object.keys(complete[0]).filter(
      (column) => !IDENTITY.includes(column) && column !== 'created_at'
    )
    const knex = db.connection().getWriteClient()
    const merged =
      kept.length === 0
        ? updated
        : Object.fromEntries(
            updated.map((column) => [
              column,
              kept.includes(column)
                ? knex.raw(`COALESCE(excluded.??, ??.??)`, [column, table, column])
                : knex.raw('excluded.??', [column]),
            ])
          )
    await knex.transaction(async (trx) => {
      for (let start = 0; start < complete.length; start += BATCH_SIZE) {
        await trx(table)
          .insert(complete.slice(start, start + BATCH_SIZE))
          .onConflict(IDENTITY)
          .merge(merged)
      }
    })
    const moments = ROLLUP_MOMENTS[table]
    if (moments) await this.onInsightRows(this.fence.organizationId, earliestDay(complete, moments))
    return complete.length
  }
}
