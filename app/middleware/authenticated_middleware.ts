import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { checkSessionFreshness, endSession, readPendingSignIn } from '#services/auth_session'
import ResolveOrganizationContext from '#actions/organizations/resolve_organization_context'
import type Organization from '#models/organization'
import type Membership from '#models/membership'

/**
 * Lets through only a fully signed-in user (password and second factor),
 * inside the idle timeout and the absolute lifetime, and resolves the
 * organisation the request acts on (ctx.organization, ctx.membership).
 */
export default class AuthenticatedMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const guard = ctx.auth.use('web')
    const signedIn = await guard.check()
    if (!signedIn) {
      const pending = readPendingSignIn(ctx)
      return refuse(
        ctx,
        pending ? (pending.stage === 'mfa' ? '/sign-in/mfa' : '/mfa/setup') : '/sign-in'
      )
    }

    const expiry = checkSessionFreshness(ctx)
    const user = guard.user!
    if (expiry || user.isLocked) {
      await endSession(ctx)
      ctx.session.flash(
        'info',
        user.isLocked
          ? 'Your account is locked. Contact an administrator.'
          : 'Your session expired; please sign in again.'
      )
      return refuse(ctx, '/sign-in')
    }

    const context = await new ResolveOrganizationContext().execute(
      user,
      ctx.session.get('auth.organizationId')
    )
    if (context) {
      // unchanged, it is not written again (the session row stays untouched)
      if (ctx.session.get('auth.organizationId') !== context.organization.id) {
        ctx.session.put('auth.organizationId', context.organization.id)
      }
      ctx.organization = context.organization
      ctx.membership = context.membership
    }
    ctx.memberships = context?.all ?? []
    ctx.view.share({
      currentUser: user,
      currentOrganization: ctx.organization ?? null,
      currentMembership: ctx.membership ?? null,
      memberships: ctx.memberships,
    })
    return next()
  }
}

/**
 * Pages are sent to sign-in (htmx gets HX-Redirect so the whole page
 * changes); JSON clients get 401.
 */
function refuse(ctx: HttpContext, location: string) {
  if (ctx.request.accepts(['html', 'json']) === 'json') {
    return ctx.response.unauthorized({ errors: [{ message: 'Sign in first' }] })
  }
  if (ctx.request.header('hx-request') === 'true') {
    ctx.response.header('HX-Redirect', location)
    return ctx.response.noContent()
  }
  const returnTo = ctx.request.method() === 'GET' ? ctx.request.url(true) : null
  if (returnTo && location === '/sign-in' && returnTo !== '/') {
    ctx.session.put('signin.returnTo', returnTo)
  }
  return ctx.response.redirect(location)
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    organization?: Organization
    membership?: Membership
    memberships: Membership[]
  }
}
