import type { HttpClient, SyncContext } from '#plugin-sdk'
import { editionOf, jiraClients, type JiraClients } from '../client.js'

/**
 * The projects the connection can read, kept on the connection
 * (`config.projects`): their keys are what pull request titles and
 * branches are matched against, and what dynamic webhooks filter on.
 */

export type JiraProject = { id: string; key: string; name: string }

/** every project the account can browse */
export async function listProjects(jira: JiraClients, http: HttpClient, baseUrl: string) {
  const projects: JiraProject[] = []
  const add = (list: Array<{ id?: string | number; key?: string; name?: string }>) =>
    projects.push(
      ...list
        .filter((project) => project.key)
        .map((project) => ({
          id: String(project.id),
          key: project.key!,
          name: project.name ?? project.key!,
        }))
    )
  if (jira.edition === 'cloud') {
    for (let startAt = 0; ;) {
      const page = await jira.call(() =>
        jira.v3.projects.searchProjects({ startAt, maxResults: 50 })
      )
      const values = page.values ?? []
      add(values)
      startAt += values.length
      if (page.isLast || values.length === 0) break
    }
    return projects
  }
  // Data Center lists every project at once; jira.js (built for Cloud) no longer has this call
  const all = await http.get<Array<{ id: string; key: string; name?: string }>>(
    `${baseUrl.replace(/\/+$/, '')}/rest/api/2/project`,
    { conditional: false }
  )
  add(all.data)
  return projects
}

export async function syncProjects(context: SyncContext) {
  const { connection } = context
  const jira = await jiraClients(context.http, connection.baseUrl, editionOf(connection))
  const projects = await listProjects(jira, context.http, connection.baseUrl)
  await connection.update({ config: { projects } })
  await context.progress(projects.length, projects.length, 'projects')
}

export function projectKeys(config: Record<string, unknown>): string[] {
  const projects = Array.isArray(config.projects) ? (config.projects as JiraProject[]) : []
  return projects.map((project) => project.key)
}
