import type {
  CommitInput,
  ContributorInput,
  DeploymentInput,
  GitAiNoteInput,
  DomainStore,
  IssueInput,
  PullRequestInput,
  RepositoryInput,
  SnapshotReport,
  SprintInput,
  StoredRepository,
  TeamInput,
  VulnerabilityInput,
} from '#plugin-sdk/domain'

type Rows = {
  repositories: RepositoryInput
  contributors: ContributorInput
  pullRequests: PullRequestInput
  commits: CommitInput
  issues: IssueInput
  sprints: SprintInput
  teams: TeamInput
  vulnerabilities: VulnerabilityInput
  deployments: DeploymentInput
}
export type RecordedKind = keyof Rows

/** One upsert call, in order: which kind, and the rows passed. */
export type RecordedWrite = {
  [Kind in RecordedKind]: { kind: Kind; rows: Rows[Kind][] }
}[RecordedKind]

/**
 * A DomainStore for a plugin's tests that keeps what a sync wrote in
 * memory, so a test asserts on it: `written.pullRequests` (the latest
 * version of each row, by externalId, as the real store upserts),
 * `writes` (every call, in order) and `count(kind)`. Rows that name a
 * repository by `repositoryExternalId` must name one written before, as
 * the real store requires; references by URL or full name (`repository`)
 * are recorded as given.
 */
export class RecordingDomainStore implements DomainStore {
  readonly writes: RecordedWrite[] = []
  readonly #rows: { [Kind in RecordedKind]: Map<string, Rows[Kind]> } = {
    repositories: new Map(),
    contributors: new Map(),
    pullRequests: new Map(),
    commits: new Map(),
    issues: new Map(),
    sprints: new Map(),
    teams: new Map(),
    vulnerabilities: new Map(),
    deployments: new Map(),
  }
  readonly #monitored = new Map<string, boolean>()
  readonly #detached = new Set<string>()
  readonly #lastCommit = new Map<string, string>()

  /** the rows of each kind as they stand now, in first-written order */
  get written(): { [Kind in RecordedKind]: Rows[Kind][] } {
    const all = {} as { [Kind in RecordedKind]: Rows[Kind][] }
    for (const kind of Object.keys(this.#rows) as RecordedKind[]) {
      all[kind] = [...this.#rows[kind].values()] as never
    }
    return all
  }

  /** how many distinct rows of a kind were written */
  count(kind: RecordedKind) {
    return this.#rows[kind].size
  }

  /** forgets every write (between two runs of a test) but keeps the rows */
  clearWrites() {
    this.writes.length = 0
  }

  upsertRepositories(rows: RepositoryInput[]) {
    return this.#upsert('repositories', rows, (row) => row.externalId)
  }

  upsertContributors(rows: ContributorInput[]) {
    return this.#upsert('contributors', rows, (row) => row.externalId)
  }

  upsertPullRequests(rows: PullRequestInput[]) {
    return this.#upsert('pullRequests', rows, (row) => row.externalId)
  }

  upsertCommits(rows: CommitInput[]) {
    return this.#upsert(
      'commits',
      rows,
      (row) => row.externalId ?? `${row.repositoryExternalId}:${row.sha}`
    )
  }

  upsertIssues(rows: IssueInput[]) {
    return this.#upsert('issues', rows, (row) => row.externalId)
  }

  /** forgets the issues, as the real store deletes them; the count of those it held */
  async deleteIssues(externalIds: string[]) {
    let deleted = 0
    for (const id of externalIds) if (this.#rows.issues.delete(id)) deleted += 1
    return deleted
  }

  upsertSprints(rows: SprintInput[]) {
    return this.#upsert('sprints', rows, (row) => row.externalId)
  }

  upsertTeams(rows: TeamInput[]) {
    return this.#upsert('teams', rows, (row) => row.externalId)
  }

  upsertVulnerabilities(rows: VulnerabilityInput[]) {
    return this.#upsert('vulnerabilities', rows, (row) => row.externalId)
  }

  upsertDeployments(rows: DeploymentInput[]) {
    return this.#upsert('deployments', rows, (row) => row.externalId)
  }

  async repositories(options: { monitoredOnly?: boolean } = {}) {
    return [...this.#rows.repositories.values()]
      .filter((row) => !this.#detached.has(row.externalId))
      .map((row) => this.#stored(row))
      .filter((row) => !options.monitoredOnly || row.monitored)
  }

  async repository(externalId: string) {
    const row = this.#rows.repositories.get(externalId)
    return row && !this.#detached.has(externalId) ? this.#stored(row) : null
  }

  async setMonitored(externalIds: string[], monitored: boolean) {
    const known = externalIds.filter((id) => this.#rows.repositories.has(id))
    for (const id of known) this.#monitored.set(id, monitored)
    return known.length
  }

  /** the Git AI notes written, per repository (external id) */
  readonly gitAiNotes = new Map<string, GitAiNoteInput[]>()

  async upsertGitAiNotes(repositoryExternalId: string, notes: GitAiNoteInput[]) {
    this.gitAiNotes.set(repositoryExternalId, [
      ...(this.gitAiNotes.get(repositoryExternalId) ?? []),
      ...notes,
    ])
    return notes.length
  }

  async setLastCommitSha(repositoryExternalId: string, sha: string) {
    this.#lastCommit.set(repositoryExternalId, sha)
  }

  async detachRepositories(externalIds: string[]) {
    const known = externalIds.filter((id) => this.#rows.repositories.has(id))
    for (const id of known) {
      this.#detached.add(id)
      this.#monitored.set(id, false)
    }
    return known.length
  }

  /**
   * Unpacking archives needs the real store (its path, link and size
   * guards are what a snapshot test proves): write that test as a
   * functional test against a connection.
   */
  async replaceRepositorySnapshot(): Promise<SnapshotReport> {
    throw new Error(
      'RecordingDomainStore does not unpack snapshots: test a snapshot task against a real connection'
    )
  }

  async #upsert<Kind extends RecordedKind>(
    kind: Kind,
    rows: Rows[Kind][],
    key: (row: Rows[Kind]) => string
  ) {
    for (const row of rows) {
      const repositoryId = (row as { repositoryExternalId?: string | null }).repositoryExternalId
      if (kind !== 'repositories' && repositoryId && !this.#rows.repositories.has(repositoryId)) {
        throw new Error(
          `${kind} row ${key(row)} names repository ${repositoryId}, which was never written`
        )
      }
    }
    const map = this.#rows[kind] as Map<string, Rows[Kind]>
    for (const row of rows) map.set(key(row), structuredClone(row))
    this.writes.push({ kind, rows: structuredClone(rows) } as RecordedWrite)
    return rows.length
  }

  #stored(row: RepositoryInput): StoredRepository {
    return {
      publicId: `repository-${row.externalId}`,
      externalId: row.externalId,
      name: row.name,
      fullName: row.fullName,
      defaultBranch: row.defaultBranch ?? null,
      monitored: this.#monitored.get(row.externalId) ?? true,
      lastCommitSha: this.#lastCommit.get(row.externalId) ?? null,
      isArchived: row.isArchived ?? false,
      snapshotAt: null,
    }
  }
}
