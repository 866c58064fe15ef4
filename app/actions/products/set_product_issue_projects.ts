import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'
import { findOrganizationProduct } from '#queries/products'
import { ProductRefusedException } from '#actions/products/product_refusal'
import { invalidateInsights } from '#services/insights/cache'
import { issueProjectComponents, scopeValue } from '#services/insights_pages/product_issue_choices'

/** the LIKE pattern (escape `!`) finding a component in an issue's JSON list of components */
export function componentPattern(component: string) {
  return `%${JSON.stringify(component).replace(/[!%_]/g, (character) => `!${character}`)}%`
}

/**
 * Makes a product include exactly these issue projects and components
 * (`ENG`, or `ENG:Billing` for one component), all of them the
 * organisation's (its issues name them): scopes no longer wanted are
 * removed, new ones added, in one transaction. Nothing is written when
 * one of them is unknown.
 */
export default class SetProductIssueProjects {
  async execute(input: {
    organizationId: number
    actor: User
    meta: RequestMeta
    productPublicId: string
    scopes: string[]
  }) {
    const known = await issueProjectComponents(input.organizationId)
    const wanted = new Map<string, { projectKey: string; component: string }>()
    for (const value of input.scopes) {
      const separator = value.indexOf(':')
      const projectKey = separator === -1 ? value : value.slice(0, separator)
      const component = separator === -1 ? '' : value.slice(separator + 1)
      const components = known.get(projectKey)
      if (!components || (component && !components.has(component))) {
        throw new ProductRefusedException(
          'issueProjects',
          `“${value}” is not a project or component of this organisation’s issues.`
        )
      }
      wanted.set(scopeValue(projectKey, component || null), { projectKey, component })
    }
    const result = await db.transaction(async (trx) => {
      const product = await findOrganizationProduct(
        input.organizationId,
        input.productPublicId,
        trx
      )
      const current: Array<{ id: number; project_key: string; component: string }> = await trx
        .from('product_issue_scopes')
        .where('organization_id', input.organizationId)
        .where('product_id', product.id)
        .select('id', 'project_key', 'component')
      const have = new Map(
        current.map((row) => [scopeValue(row.project_key, row.component || null), Number(row.id)])
      )
      const removed = [...have.keys()].filter((value) => !wanted.has(value))
      const added = [...wanted.keys()].filter((value) => !have.has(value))
      if (removed.length) {
        await trx
          .from('product_issue_scopes')
          .whereIn(
            'id',
            removed.map((value) => have.get(value)!)
          )
          .delete()
      }
      if (added.length) {
        await trx.table('product_issue_scopes').multiInsert(
          added.map((value) => {
            const scope = wanted.get(value)!
            return {
              organization_id: input.organizationId,
              product_id: product.id,
              project_key: scope.projectKey,
              component: scope.component,
              component_like: scope.component ? componentPattern(scope.component) : '',
            }
          })
        )
      }
      await recordAudit(
        {
          event: 'product.issue_projects_changed',
          actorId: input.actor.id,
          organizationId: input.organizationId,
          subject: product.name,
          meta: input.meta,
          details: { product: product.publicId, added, removed },
        },
        trx
      )
      return { product, total: wanted.size }
    })
    await invalidateInsights(input.organizationId)
    return result
  }
}
