import type { HttpContext } from '@adonisjs/core/http'
import CreateInvite, { InviteRefused } from '#actions/members/create_invite'
import ListMembers from '#actions/members/list_members'
import RevokeInvite from '#actions/members/revoke_invite'
import ChangeMemberRole, { MembershipChangeRefused } from '#actions/members/change_member_role'
import RemoveMember from '#actions/members/remove_member'
import { memberCan } from '#abilities/main'
import { requestMeta } from '#services/auth_session'
import { permissionTable, ROLES, ROLE_NAMES } from '#services/authorization'
import { changeRoleValidator, inviteValidator } from '#validators/auth'

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
    try {
      const { mailed } = await new CreateInvite().execute({
        organization: ctx.organization!,
        inviter: ctx.auth.use('web').user!,
        inviterRole: ctx.membership!.role,
        email,
        role,
        meta: requestMeta(ctx),
      })
      if (!mailed) {
        return this.#after(
          ctx,
          'error',
          `The invitation for ${email} was created, but not mailed: that address has had several invitation mails this hour. Try again later, or revoke it and invite again then.`
        )
      }
      return this.#after(ctx, 'success', `Invitation sent to ${email}.`)
    } catch (error) {
      if (!(error instanceof InviteRefused)) throw error
      return this.#after(ctx, 'error', error.message)
    }
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
    try {
      await new ChangeMemberRole().execute({
        organization: ctx.organization!,
        actor: ctx.auth.use('web').user!,
        actorRole: ctx.membership!.role,
        membershipPublicId: ctx.params.membership,
        role,
        meta: requestMeta(ctx),
      })
      return this.#after(ctx, 'success', `Role changed to ${ROLES[role].label}.`)
    } catch (error) {
      if (!(error instanceof MembershipChangeRefused)) throw error
      return this.#after(ctx, 'error', error.message)
    }
  }

  async remove(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'members.manage')
    try {
      await new RemoveMember().execute({
        organization: ctx.organization!,
        actor: ctx.auth.use('web').user!,
        actorRole: ctx.membership!.role,
        membershipPublicId: ctx.params.membership,
        meta: requestMeta(ctx),
      })
      return this.#after(ctx, 'success', 'Member removed.')
    } catch (error) {
      if (!(error instanceof MembershipChangeRefused)) throw error
      return this.#after(ctx, 'error', error.message)
    }
  }

  async #render(ctx: HttpContext, notice?: { kind: 'success' | 'error'; message: string }) {
    const { members, invites } = await new ListMembers().execute(ctx.organization!)
    const data = {
      members,
      invites,
      roleOptions: ROLE_NAMES.map((name) => ({ name, ...ROLES[name] })),
      permissions: permissionTable(),
      notice,
    }
    return ctx.view.render(
      ctx.htmx.wantsPartial ? 'partials/members_panel' : 'pages/settings/members',
      data
    )
  }

  /**
   * htmx gets the refreshed panel with the message swapped into the flash
   * region out of band; a plain form post is redirected back.
   */
  async #after(ctx: HttpContext, kind: 'success' | 'error', message: string) {
    if (ctx.htmx.wantsPartial) return this.#render(ctx, { kind, message })
    ctx.session.flash(kind, message)
    return ctx.response.redirect('/settings/members')
  }
}
