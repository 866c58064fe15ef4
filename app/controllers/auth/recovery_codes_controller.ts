import type { HttpContext } from '@adonisjs/core/http'
import RegenerateRecoveryCodes from '#actions/auth/regenerate_recovery_codes'
import { requestMeta } from '#services/auth_session'
import { FRESH_CODES_KEY } from '#controllers/auth/mfa_setup_controller'

/**
 * New recovery codes are shown once, right after they are generated,
 * and can be downloaded as a text file while that page is open (ten
 * minutes at most). After "I have saved them" they are gone for good.
 */
const SHOW_FOR_MS = 10 * 60 * 1000

function freshCodes({ session }: HttpContext): string[] | null {
  const fresh = session.get(FRESH_CODES_KEY) as { codes: string[]; at: number } | undefined
  if (!fresh || Date.now() - fresh.at > SHOW_FOR_MS) return null
  return fresh.codes
}

export default class RecoveryCodesController {
  async show(ctx: HttpContext) {
    const codes = freshCodes(ctx)
    if (!codes) return ctx.response.redirect('/settings/security')
    ctx.response.header('Cache-Control', 'no-store')
    return ctx.view.render('pages/auth/recovery_codes', { codes })
  }

  async download(ctx: HttpContext) {
    const codes = freshCodes(ctx)
    if (!codes) return ctx.response.redirect('/settings/security')
    const user = ctx.auth.use('web').user!
    ctx.response.header('Cache-Control', 'no-store')
    ctx.response.header('Content-Type', 'text/plain; charset=utf-8')
    ctx.response.attachment('sextant-recovery-codes.txt')
    return [
      `Sextant recovery codes for ${user.email}`,
      `Generated ${new Date().toISOString()}. Each code works once.`,
      '',
      ...codes,
      '',
    ].join('\n')
  }

  async acknowledge(ctx: HttpContext) {
    ctx.session.forget(FRESH_CODES_KEY)
    ctx.session.flash('success', 'Two-factor authentication is on.')
    return ctx.response.redirect('/')
  }

  async regenerate(ctx: HttpContext) {
    const user = ctx.auth.use('web').user!
    const codes = await new RegenerateRecoveryCodes().execute({ user, meta: requestMeta(ctx) })
    ctx.session.put(FRESH_CODES_KEY, { codes, at: Date.now() })
    return ctx.response.redirect('/mfa/recovery-codes')
  }
}
