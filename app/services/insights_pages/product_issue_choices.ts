import db from '@adonisjs/lucid/services/db'
import { productIssueScopes } from '#services/insights/product_issues'

/**
 * What a product's edit form offers beside repositories: every issue
 * project the organisation's issues belong to (Jira's ENG), each with the
 * components its issues name, ticked when the product includes it. A
 * choice's value is the project key, or `KEY:component` for one
 * component (project keys hold no colon). Two queries.
 */

export type IssueProjectChoice = {
  key: string
  selected: boolean
  components: Array<{ name: string; value: string; selected: boolean }>
}

export function scopeValue(projectKey: string, component: string | null) {
  return component ? `${projectKey}:${component}` : projectKey
}

/** the projects and components of the organisation's issues, by project key */
export async function issueProjectComponents(organizationId: number) {
  const rows: Array<{ project_key: string; components: string | null }> = await db
    .from('issues')
    .where('organization_id', organizationId)
    .whereNotNull('project_key')
    .distinct('project_key', 'components')
  const projects = new Map<string, Set<string>>()
  for (const row of rows) {
    const components = projects.get(row.project_key) ?? new Set<string>()
    projects.set(row.project_key, components)
    try {
      const names: unknown = JSON.parse(row.components ?? '[]')
      if (Array.isArray(names)) {
        for (const name of names) if (typeof name === 'string' && name) components.add(name)
      }
    } catch {
      // a list written by hand that is not JSON names no component
    }
  }
  return projects
}

export async function issueProjectChoices(
  organizationId: number,
  productId: number
): Promise<IssueProjectChoice[]> {
  const [projects, scopes] = await Promise.all([
    issueProjectComponents(organizationId),
    productIssueScopes(organizationId, productId),
  ])
  const chosen = new Set(scopes.map((scope) => scopeValue(scope.projectKey, scope.component)))
  return [...projects.keys()].sort().map((key) => ({
    key,
    selected: chosen.has(key),
    components: [...projects.get(key)!].sort().map((name) => ({
      name,
      value: scopeValue(key, name),
      selected: chosen.has(scopeValue(key, name)),
    })),
  }))
}
