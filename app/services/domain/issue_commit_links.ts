import db from '@adonisjs/lucid/services/db'
import { issueIdsByKey, issueKeysIn } from '#services/domain/issue_links'

/**
 * Links issues to commits by the issue keys (ENG-42) a commit's message
 * names, across providers, whichever is written first: a commit synced
 * after the issue finds it, and an issue synced after the commit finds
 * the commits naming it. Keys count as written (upper case), and only
 * keys of issues the organisation has are linked.
 */

const BATCH = 200

type CommitText = { id: number; message: string }

/** the issue keys a commit message names */
export function issueKeysInMessage(message: string): string[] {
  return issueKeysIn({ title: message })
}

async function link(organizationId: number, pairs: Array<{ issueId: number; commitId: number }>) {
  const rows = pairs.map((pair) => ({
    organization_id: organizationId,
    issue_id: pair.issueId,
    commit_id: pair.commitId,
  }))
  for (let start = 0; start < rows.length; start += BATCH) {
    await db
      .table('issue_commits')
      .insert(rows.slice(start, start + BATCH))
      .onConflict(['issue_id', 'commit_id'])
      .ignore()
  }
  return rows.length
}

/** after commits were written: link them to the issues their messages name */
export async function linkCommits(organizationId: number, provider: string, externalIds: string[]) {
  const pairs: Array<{ issueId: number; commitId: number }> = []
  for (let start = 0; start < externalIds.length; start += BATCH) {
    const commits: CommitText[] = await db
      .from('commits')
      .where('organization_id', organizationId)
      .where('provider', provider)
      .whereIn('external_id', externalIds.slice(start, start + BATCH))
      .select('id', 'message')
    const keysByCommit = commits.map((commit) => ({
      id: commit.id,
      keys: issueKeysInMessage(commit.message),
    }))
    const keys = [...new Set(keysByCommit.flatMap((commit) => commit.keys))]
    if (keys.length === 0) continue
    const issueIds = await issueIdsByKey(organizationId, keys)
    for (const commit of keysByCommit) {
      for (const key of commit.keys) {
        for (const issueId of issueIds.get(key) ?? []) pairs.push({ issueId, commitId: commit.id })
      }
    }
  }
  return link(organizationId, pairs)
}

/** after issues were written: link them to the commits already naming their keys */
export async function linkIssuesToCommits(
  organizationId: number,
  provider: string,
  externalIds: string[]
) {
  const written = new Map<string, number[]>()
  for (let start = 0; start < externalIds.length; start += BATCH) {
    const issues: Array<{ id: number; key: string }> = await db
      .from('issues')
      .where('organization_id', organizationId)
      .where('provider', provider)
      .whereIn('external_id', externalIds.slice(start, start + BATCH))
      .select('id', 'key')
    for (const issue of issues)
      written.set(issue.key, [...(written.get(issue.key) ?? []), issue.id])
  }
  const projects = [...new Set([...written.keys()].map((key) => key.replace(/-\d+$/, '')))]
  const pairs: Array<{ issueId: number; commitId: number }> = []
  for (const project of projects) {
    const commits: CommitText[] = await db
      .from('commits')
      .where('organization_id', organizationId)
      .whereRaw('LOWER(message) LIKE ?', [`%${project.toLowerCase()}-%`])
      .select('id', 'message')
    for (const commit of commits) {
      for (const key of issueKeysInMessage(commit.message)) {
        for (const issueId of written.get(key) ?? []) pairs.push({ issueId, commitId: commit.id })
      }
    }
  }
  return link(organizationId, pairs)
}
