import type { ConnectionHandle } from '#plugin-sdk'
import { SnykClient } from '../client.js'
import type { Snyk } from '../types.js'
import { fenceOf, snykOrgIdOf, writeIssues } from './issues.js'
import { projectTargets } from './records.js'

/** re-reads one project's issues (after Snyk tested it), leaving the rest of the org alone */
export async function syncProject(connection: ConnectionHandle, projectId: string) {
  const http = await connection.client()
  const writer = {
    connection,
    http,
    store: connection.store,
    targets: await projectTargets(fenceOf(connection)),
    ignores: new Map<string, Snyk.Ignores>(),
  }
  let written = 0
  const client = new SnykClient(http)
  for await (const page of client.issues(snykOrgIdOf(connection), { projectId })) {
    written += await writeIssues(writer, page)
  }
  return written
}
