/**
 * The commits whose line facts a write changed, per repository id: what
 * a fact-writing service reports so that its caller (an action) can
 * rebuild the GBOMs and check the pull requests again
 * (ApplyAiFactChanges). Services write facts; they never run actions.
 */
export type AiFactChanges = Map<number, Set<string>>

/** told by the domain store after each write that changed an organisation's line facts */
export type AiFactsListener = (organizationId: number, changes: AiFactChanges) => Promise<void>

export function factChanges(repositoryId: number, shas: Iterable<string>): AiFactChanges {
  return new Map([[repositoryId, new Set(shas)]])
}
