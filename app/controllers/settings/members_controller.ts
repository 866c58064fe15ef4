import type { HttpContext } from '@adonisjs/core/http'
import CreateInvite from '#actions/members/create_invite'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import ListMembers from '#actions/members/list_members'
import RevokeInvite from '#actions/members/revoke_invite'
import ChangeMemberRole from '#actions/members/change_member_role'
import RemoveMember from '#actions/members/remove_member'
import { memberCan } from '#abilities/main'
import { requestMeta } from '#services/auth_session'
import { permissionTable, ROLES, ROLE_NAMES } from '#services/authorization'
import { changeRoleValidator, inviteValidator } from '#validators/auth'

/** An invitation whose mail did not go out: its link is shown to the inviter once. */
type InvitationToPassOn = { email: string; link: string; days: number }

/**
 * Members and invitations of the current organisation (HTMX: each action
 * re-renders the member panel; without JS it redirects back).
 */
export default class MembersController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'members.view')
    return this.#render(ctx)
  }

  async invite(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'members.manage')
    const { email, role } = await ctx.request.validateUsing(inviteValidator)
    this.#redrawOnRefusal(ctx)
    const invitation = await new CreateInvite().execute({
      organization: ctx.organization!,
      inviter: ctx.auth.use('web').user!,
      inviterRole: ctx.membership!.role,
      email,
      role,
      meta: requestMeta(ctx),
    })
    if (invitation.mailed) return this.#after(ctx, 'success', `Invitation sent to ${email}.`)
    const why = invitation.throttled
      ? 'that address has had several invitation mails this hour'
      : 'this server has no mail relay (SMTP_HOST is not set)'
    return this.#after(
      ctx,
      'error',
      `No mail was sent to ${email}: ${why}. The invitation exists: copy its link below and send it yourself.`,
      { email, link: invitation.link, days: invitation.lifetimeDays }
    )
  }

  async revokeInvite(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'members.manage')
    await new RevokeInvite().execute({
      organization: ctx.organization!,
      actor: ctx.auth.use('web').user!,
      invitePublicId: ctx.params.invite,
      meta: requestMeta(ctx),
    })
    return this.#after(ctx, 'success', 'Invitation revoked.')
  }

  async changeRole(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'members.manage')
    const { role } = await ctx.request.validateUsing(changeRoleValidator)
    this.#redrawOnRefusal(ctx)
    await new ChangeMemberRole().execute({
      organization: ctx.organization!,
      actor: ctx.auth.use('web').user!,
      actorRole: ctx.membership!.role,
      membershipPublicId: ctx.params.membership,
      role,
      meta: requestMeta(ctx),
    })
    return this.#after(ctx, 'success', `Role changed to ${ROLES[role].label}.`)
  }

  async remove(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'members.manage')
    this.#redrawOnRefusal(ctx)
    await new RemoveMember().execute({
      organization: ctx.organization!,
      actor: ctx.auth.use('web').user!,
      actorRole: ctx.membership!.role,
      membershipPublicId: ctx.params.membership,
      meta: requestMeta(ctx),
    })
    return this.#after(ctx, 'success', 'Member removed.')
  }

  /** a refused change: htmx gets the panel again with the message, a plain form goes back */
  #redrawOnRefusal(ctx: HttpContext) {
    redrawOnRefusal(
      ctx,
      ctx.htmx.wantsPartial
        ? { view: 'partials/members_panel', state: () => this.#panel(ctx) }
        : { redirectTo: '/settings/members' }
    )
  }

  async #panel(
    ctx: HttpContext,
    notice?: { kind: 'success' | 'error'; message: string },
    invitation?: InvitationToPassOn
  ) {
    const { members, invites } = await new ListMembers().execute(ctx.organization!)
    return {
      members,
      invites,
      roleOptions: ROLE_NAMES.map((name) => ({ name, ...ROLES[name] })),
      permissions: permissionTable(),
      notice,
      invitation: invitation ?? ctx.session.flashMessages.get('invitation') ?? null,
    }
  }

  async #render(
    ctx: HttpContext,
    notice?: { kind: 'success' | 'error'; message: string },
    invitation?: InvitationToPassOn
  ) {
    return ctx.view.render(
      ctx.htmx.wantsPartial ? 'partials/members_panel' : 'pages/settings/members',
      await this.#panel(ctx, notice, invitation)
    )
  }

  /**
   * htmx gets the refreshed panel with the message swapped into the flash
   * region out of band; a plain form post is redirected back.
   */
  async #after(
    ctx: HttpContext,
    kind: 'success' | 'error',
    message: string,
    invitation?: InvitationToPassOn
  ) {
    if (ctx.htmx.wantsPartial) return this.#render(ctx, { kind, message }, invitation)
    ctx.session.flash(kind, message)
    if (invitation) ctx.session.flash('invitation', invitation)
    return ctx.response.redirect('/settings/members')
  }
}
