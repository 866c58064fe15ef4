import type { HttpContext } from '@adonisjs/core/http'
import CreateApiToken from '#actions/tokens/create_api_token'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { abilitiesOfRole, TOKEN_ABILITIES } from '#services/token_abilities'
import { roleAllows } from '#services/authorization'
import ListApiTokens from '#actions/tokens/list_api_tokens'
import RevokeApiToken from '#actions/tokens/revoke_api_token'
import { requestMeta } from '#services/auth_session'
import { createTokenValidator } from '#validators/auth'

export default class TokensController {
  async index(ctx: HttpContext) {
    const user = ctx.auth.use('web').user!
    const tokens = await new ListApiTokens().execute(user)
    const created = ctx.session.pull('tokens.created', null)
    const abilities = abilitiesOfRole(ctx.membership?.role).map((name) => ({
      name,
      ...TOKEN_ABILITIES[name],
    }))
    ctx.response.header('Cache-Control', 'no-store')
    const canCreate = Boolean(ctx.membership && roleAllows(ctx.membership.role, 'tokens.create'))
    return ctx.view.render('pages/settings/tokens', { tokens, created, abilities, canCreate })
  }

  async store(ctx: HttpContext) {
    const { request, response, session } = ctx
    const user = ctx.auth.use('web').user!
    const input = await request.validateUsing(createTokenValidator)
    redrawOnRefusal(ctx, { redirectTo: '/settings/tokens' })
    const { value } = await new CreateApiToken().execute({
      user,
      membership: ctx.membership ?? null,
      name: input.name,
      abilities: input.abilities ?? ['read'],
      expiresInDays: input.expiresInDays ?? 90,
      meta: requestMeta(ctx),
    })
    // Shown once on the next page view, then gone.
    session.put('tokens.created', { name: input.name, value })
    return response.redirect('/settings/tokens')
  }

  async destroy(ctx: HttpContext) {
    const user = ctx.auth.use('web').user!
    const revoked = await new RevokeApiToken().execute({
      user,
      tokenPublicId: ctx.params.token,
      meta: requestMeta(ctx),
    })
    if (!revoked) return ctx.response.notFound(await ctx.view.render('pages/errors/not_found'))
    ctx.session.flash('success', 'Token revoked.')
    return ctx.response.redirect('/settings/tokens')
  }
}
