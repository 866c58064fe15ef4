import type { HttpContext } from '@adonisjs/core/http'
import { redirectAfterWrite } from '#services/after_write'
import { memberCan } from '#abilities/main'
import CreateProduct from '#actions/products/create_product'
import UpdateProduct from '#actions/products/update_product'
import DeleteProduct from '#actions/products/delete_product'
import SetProductRepositories from '#actions/products/set_product_repositories'
import SetProductIssueProjects from '#actions/products/set_product_issue_projects'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { requestMeta } from '#services/auth_session'
import { organizationNow, resolveFilters } from '#services/insights_pages/date_range'
import { productDetail, productEditor, productList } from '#services/insights_pages/products_page'
import { dashboardState, respondWithDashboard } from '#services/insights_pages/respond'
import { agreementStrip } from '#queries/working_agreements'
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
    redrawOnRefusal(ctx, { view: 'pages/insights/products', state: () => this.#indexState(ctx) })
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
      data: {
        detail: { ...detail, tables },
        lens,
        teams,
        agreements: await agreementStrip(organizationId, team?.id ?? null),
      },
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
    redrawOnRefusal(ctx, { view: 'pages/insights/product_edit', state: () => this.#editState(ctx) })
    const product = await new UpdateProduct().execute({
      organizationId: ctx.organization!.id,
      actor: ctx.auth.use('web').user!,
      meta: requestMeta(ctx),
      productPublicId: ctx.params.product,
      ...fields,
    })
    return this.#afterWrite(ctx, `/insights/products/${product.publicId}/edit`, 'Product saved.')
  }

  async repositories(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'products.manage')
    const fields = await ctx.request.validateUsing(productRepositoriesValidator)
    redrawOnRefusal(ctx, { view: 'pages/insights/product_edit', state: () => this.#editState(ctx) })
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
  }

  async issueProjects(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'products.manage')
    const fields = await ctx.request.validateUsing(productIssueProjectsValidator)
    redrawOnRefusal(ctx, { view: 'pages/insights/product_edit', state: () => this.#editState(ctx) })
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

  async #renderIndex(ctx: HttpContext) {
    const filters = await resolveFilters(ctx.request.qs(), organizationNow(ctx.organization!))
    const list = await productList(ctx.organization!.id, filters.range)
    return respondWithDashboard(ctx, {
      path: '/insights/products',
      page: 'pages/insights/products',
      partial: 'partials/insights/products_body',
      filters,
      tables: list.tables,
      fileName: 'products',
      data: { list, refusal: null },
    })
  }

  /** the products page around a refused "new product" form */
  async #indexState(ctx: HttpContext) {
    const filters = await resolveFilters(ctx.request.qs(), organizationNow(ctx.organization!))
    const list = await productList(ctx.organization!.id, filters.range)
    return dashboardState({ path: '/insights/products', filters, data: { list } })
  }

  async #renderEdit(ctx: HttpContext) {
    return ctx.view.render('pages/insights/product_edit', await this.#editState(ctx))
  }

  async #editState(ctx: HttpContext) {
    return { ...(await productEditor(ctx.organization!.id, ctx.params.product)), refusal: null }
  }

  /**
   * htmx follows HX-Location (the page is fetched again with the flash);
   * a plain form is redirected.
   */
  #afterWrite(ctx: HttpContext, location: string, message: string) {
    return redirectAfterWrite(ctx, location, { kind: 'success', message })
  }
}
