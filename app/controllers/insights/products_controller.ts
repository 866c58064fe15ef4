import type { HttpContext } from '@adonisjs/core/http'
import { redirectAfterWrite } from '#services/after_write'
import { memberCan } from '#abilities/main'
import CreateProduct from '#actions/products/create_product'
import UpdateProduct from '#actions/products/update_product'
import DeleteProduct from '#actions/products/delete_product'
import SetProductRepositories from '#actions/products/set_product_repositories'
import SetProductIssueProjects from '#actions/products/set_product_issue_projects'
import { ProductRefusal } from '#actions/products/product_refusal'
import { requestMeta } from '#services/auth_session'
import { organizationNow, resolveFilters } from '#services/insights_pages/date_range'
import { productDetail, productEditor, productList } from '#services/insights_pages/products_page'
import { respondWithDashboard } from '#services/insights_pages/respond'
import {
  productIssueProjectsValidator,
  productRepositoriesValidator,
  productValidator,
} from '#validators/insights'
import { selectedTeam, teamLens, teamOptions } from '#services/insights_pages/team_lens'

/**
 * Products: the list, a product's dashboard, and for org admins
 * (products.manage) create, rename, choose repositories and delete.
 */
export default class ProductsController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    return this.#renderIndex(ctx)
  }

  async store(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'products.manage')
    const fields = await ctx.request.validateUsing(productValidator)
    try {
      const product = await new CreateProduct().execute({
        organizationId: ctx.organization!.id,
        actor: ctx.auth.use('web').user!,
        meta: requestMeta(ctx),
        ...fields,
      })
      return this.#afterWrite(
        ctx,
        `/insights/products/${product.publicId}/edit`,
        `Created “${product.name}”: now choose its repositories.`
      )
    } catch (error) {
      if (!(error instanceof ProductRefusal)) throw error
      ctx.response.status(422)
      return this.#renderIndex(ctx, error)
    }
  }

  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const organizationId = ctx.organization!.id
    const filters = await resolveFilters(ctx.request.qs(), organizationNow(ctx.organization!))
    const detail = await productDetail(organizationId, ctx.params.product, filters.range, {
      perPersonFigures: ctx.organization!.perPersonFigures,
    })
    const team = await selectedTeam(organizationId, ctx.request.qs().team)
    const teams = await teamOptions(organizationId)
    // the team lens replaces the product's KPI cards (and their export) with the team's
    const lens = team
      ? await teamLens(organizationId, team, filters.range, detail.product.publicId)
      : null
    const tables = lens
      ? detail.tables.map((table) => (table.name === 'kpis' ? lens.tables[0] : table))
      : detail.tables
    return respondWithDashboard(ctx, {
      path: `/insights/products/${detail.product.publicId}`,
      page: 'pages/insights/product',
      partial: 'partials/insights/product_body',
      filters,
      tables,
      fileName: team ? `${detail.product.name}-${team.name}` : detail.product.name,
      data: { detail: { ...detail, tables }, lens, teams },
      keep: team ? { team: team.publicId } : undefined,
    })
  }

  async edit(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'products.manage')
    return this.#renderEdit(ctx)
  }

  async update(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'products.manage')
    const fields = await ctx.request.validateUsing(productValidator)
    try {
      const product = await new UpdateProduct().execute({
        organizationId: ctx.organization!.id,
        actor: ctx.auth.use('web').user!,
        meta: requestMeta(ctx),
        productPublicId: ctx.params.product,
        ...fields,
      })
      return this.#afterWrite(ctx, `/insights/products/${product.publicId}/edit`, 'Product saved.')
    } catch (error) {
      if (!(error instanceof ProductRefusal)) throw error
      ctx.response.status(422)
      return this.#renderEdit(ctx, error)
    }
  }

  async repositories(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'products.manage')
    const fields = await ctx.request.validateUsing(productRepositoriesValidator)
    try {
      const result = await new SetProductRepositories().execute({
        organizationId: ctx.organization!.id,
        actor: ctx.auth.use('web').user!,
        meta: requestMeta(ctx),
        productPublicId: ctx.params.product,
        repositoryPublicIds: fields.repositories ?? [],
      })
      return this.#afterWrite(
        ctx,
        `/insights/products/${result.product.publicId}`,
        `“${result.product.name}” now groups ${result.total} repositor${result.total === 1 ? 'y' : 'ies'}.`
      )
    } catch (error) {
      if (!(error instanceof ProductRefusal)) throw error
      ctx.response.status(422)
      return this.#renderEdit(ctx, error)
    }
  }

  async issueProjects(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'products.manage')
    const fields = await ctx.request.validateUsing(productIssueProjectsValidator)
    try {
      const result = await new SetProductIssueProjects().execute({
        organizationId: ctx.organization!.id,
        actor: ctx.auth.use('web').user!,
        meta: requestMeta(ctx),
        productPublicId: ctx.params.product,
        scopes: fields.issue_projects ?? [],
      })
      return this.#afterWrite(
        ctx,
        `/insights/products/${result.product.publicId}`,
        `“${result.product.name}” now includes ${result.total} issue project${result.total === 1 ? '' : 's'} or component${result.total === 1 ? '' : 's'}.`
      )
    } catch (error) {
      if (!(error instanceof ProductRefusal)) throw error
      ctx.response.status(422)
      return this.#renderEdit(ctx, error)
    }
  }

  async destroy(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'products.manage')
    const product = await new DeleteProduct().execute({
      organizationId: ctx.organization!.id,
      actor: ctx.auth.use('web').user!,
      meta: requestMeta(ctx),
      productPublicId: ctx.params.product,
    })
    return this.#afterWrite(ctx, '/insights/products', `Deleted “${product.name}”.`)
  }

  async #renderIndex(ctx: HttpContext, refusal: ProductRefusal | null = null) {
    const filters = await resolveFilters(ctx.request.qs(), organizationNow(ctx.organization!))
    const list = await productList(ctx.organization!.id, filters.range)
    return respondWithDashboard(ctx, {
      path: '/insights/products',
      page: 'pages/insights/products',
      partial: 'partials/insights/products_body',
      filters,
      tables: list.tables,
      fileName: 'products',
      data: { list, refusal },
    })
  }

  async #renderEdit(ctx: HttpContext, refusal: ProductRefusal | null = null) {
    const editor = await productEditor(ctx.organization!.id, ctx.params.product)
    return ctx.view.render('pages/insights/product_edit', { ...editor, refusal })
  }

  /**
   * htmx follows HX-Location (the page is fetched again with the flash);
   * a plain form is redirected.
   */
  #afterWrite(ctx: HttpContext, location: string, message: string) {
    return redirectAfterWrite(ctx, location, { kind: 'success', message })
  }
}
