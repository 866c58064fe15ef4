import type { HttpContext } from '@adonisjs/core/http'
import ListAuditEvents from '#actions/audit/list_audit_events'
import ListUsers from '#actions/admin/list_users'
import DeleteUser from '#actions/admin/delete_user'
import ResetUserMfa from '#actions/admin/reset_user_mfa'
import SetUserLock from '#actions/admin/set_user_lock'
import ListOrganizations from '#actions/organizations/list_organizations'
import sextantConfig from '#config/sextant'
import { AUDIT_EVENTS } from '#services/audit'
import { requestMeta } from '#services/auth_session'
import { auditFiltersValidator } from '#validators/auth'
import { listOrganizationsValidator, listUsersValidator } from '#validators/organization'

/**
 * The superuser area, at ADMIN_PATH.
 */
export default class AdminController {
  async users(ctx: HttpContext) {
    const filters = await ctx.request.validateUsing(listUsersValidator, {
      data: ctx.request.qs(),
    })
    const users = await new ListUsers().execute({ search: filters.q, page: filters.page ?? 1 })
    return ctx.view.render('pages/admin/users', { users, search: filters.q ?? '' })
  }

  async organizations(ctx: HttpContext) {
    const filters = await ctx.request.validateUsing(listOrganizationsValidator, {
      data: ctx.request.qs(),
    })
    const organizations = await new ListOrganizations().execute({
      search: filters.q,
      page: filters.page,
    })
    return ctx.view.render('pages/admin/organizations', {
      organizations,
    })
  }

  async audit(ctx: HttpContext) {
    const filters = await ctx.request.validateUsing(auditFiltersValidator, {
      data: ctx.request.qs(),
    })
    const events = await new ListAuditEvents().execute(null, filters)
    events
      .baseUrl(`${sextantConfig.auth.adminPath}/audit`)
      .queryString({ ...filters, page: undefined })
    return ctx.view.render('pages/admin/audit', {
      events,
      filters,
      eventNames: AUDIT_EVENTS,
    })
  }

  async lock(ctx: HttpContext) {
    const user = await new SetUserLock().execute({
      actor: ctx.auth.use('web').user!,
      userPublicId: ctx.params.user,
      locked: true,
      meta: requestMeta(ctx),
    })
    ctx.session.flash('success', `${user.email} is locked and signed out everywhere.`)
    return ctx.response.redirect(`${sextantConfig.auth.adminPath}/users`)
  }

  async unlock(ctx: HttpContext) {
    const user = await new SetUserLock().execute({
      actor: ctx.auth.use('web').user!,
      userPublicId: ctx.params.user,
      locked: false,
      meta: requestMeta(ctx),
    })
    ctx.session.flash('success', `${user.email} is unlocked.`)
    return ctx.response.redirect(`${sextantConfig.auth.adminPath}/users`)
  }

  async resetMfa(ctx: HttpContext) {
    const user = await new ResetUserMfa().execute({
      actor: ctx.auth.use('web').user!,
      userPublicId: ctx.params.user,
      meta: requestMeta(ctx),
    })
    ctx.session.flash(
      'success',
      `${user.email} must set up two-factor authentication again at next sign-in.`
    )
    return ctx.response.redirect(`${sextantConfig.auth.adminPath}/users`)
  }

  async destroy(ctx: HttpContext) {
    const user = await new DeleteUser().execute({
      actor: ctx.auth.use('web').user!,
      userPublicId: ctx.params.user,
      meta: requestMeta(ctx),
    })
    ctx.session.flash('success', `${user.email} is deleted.`)
    return ctx.response.redirect(`${sextantConfig.auth.adminPath}/users`)
  }
}
