import type { SyncContext } from '#plugin-sdk'
import { editionOf, jiraClients } from '../client.js'

/**
 * The projects the connection can read, kept on the connection
 * (`config.projects`): their keys are what pull request titles and
 * branches are matched against, and what dynamic webhooks filter on.
 */

export type JiraProject = { id: string; key: string; name: string }

export async function syncProjects(context: SyncContext) {
  const jira = jiraClients(context.http, context.connection.baseUrl, editionOf(context.connection))
  const projects: JiraProject[] = []
  if (jira.edition === 'cloud') {
    for (let startAt = 0; ;) {
      const page = await jira.call(() =>
        jira.v3.projects.searchProjects({ startAt, maxResults: 50 })
      )
      const values = page.values ?? []
      projects.push(
        ...values.map((project) => ({
          id: String(project.id),
          key: project.key!,
          name: project.name ?? project.key!,
        }))
      )
      startAt += values.length
      if (page.isLast || values.length === 0) break
    }
  } else {
    // Data Center lists every project at once; jira.js (built for Cloud) no longer has this call
    const all = await context.http.get<Array<{ id: string; key: string; name?: string }>>(
      `${context.connection.baseUrl.replace(/\/+$/, '')}/rest/api/2/project`,
      { conditional: false }
    )
    projects.push(
      ...all.data.map((project) => ({
        id: String(project.id),
        key: project.key,
        name: project.name ?? project.key,
      }))
    )
  }
  await context.connection.update({ config: { projects } })
  await context.progress(projects.length, projects.length, 'projects')
}

export function projectKeys(config: Record<string, unknown>): string[] {
  const projects = Array.isArray(config.projects) ? (config.projects as JiraProject[]) : []
  return projects.map((project) => project.key)
}
