import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import { redirectAfterWrite } from '#services/after_write'
import { requestMeta } from '#services/auth_session'
import { listTeams } from '#queries/teams'
import { listPeople, PEOPLE_PAGE_LIMIT } from '#queries/people'
import CreateTeam from '#actions/teams/create_team'
import RenameTeam from '#actions/teams/rename_team'
import DeleteTeam from '#actions/teams/delete_team'
import AddTeamMember from '#actions/teams/add_team_member'
import RemoveTeamMember from '#actions/teams/remove_team_member'
import { redrawOnRefusal, validatedOrRefused } from '#exceptions/form_refusal'
import { teamMemberValidator, teamValidator } from '#validators/identity'

const MESSAGES = {
  name: 'Give the team a name of 1 to 120 characters.',
  person: 'Choose one of the organisation’s people.',
}

/**
 * Settings → Teams: named sets of the organisation's people, created,
 * renamed, deleted and filled by org admins (organization.manage). Bad
 * input comes back inline on the page with a 422.
 */
export default class TeamsController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    return this.#render(ctx)
  }

  async store(ctx: HttpContext) {
    return this.#write(ctx, null, async (actor) => {
      const { name } = await validatedOrRefused(
        ctx.request.validateUsing(teamValidator),
        MESSAGES.name,
        'name'
      )
      const team = await new CreateTeam().execute({ ...actor, name })
      return `Created the team “${team.name}”: now add its people.`
    })
  }

  async update(ctx: HttpContext) {
    return this.#write(ctx, ctx.params.team, async (actor) => {
      const { name } = await validatedOrRefused(
        ctx.request.validateUsing(teamValidator),
        MESSAGES.name,
        'name'
      )
      const team = await new RenameTeam().execute({ ...actor, teamPublicId: ctx.params.team, name })
      return `Renamed the team to “${team.name}”.`
    })
  }

  async destroy(ctx: HttpContext) {
    return this.#write(ctx, ctx.params.team, async (actor) => {
      const team = await new DeleteTeam().execute({ ...actor, teamPublicId: ctx.params.team })
      return `Deleted the team “${team.name}”; its people stay.`
    })
  }

  async addMember(ctx: HttpContext) {
    return this.#write(ctx, ctx.params.team, async (actor) => {
      const { person } = await validatedOrRefused(
        ctx.request.validateUsing(teamMemberValidator),
        MESSAGES.person,
        'person'
      )
      const added = await new AddTeamMember().execute({
        ...actor,
        teamPublicId: ctx.params.team,
        personPublicId: person,
      })
      return `${added.personName} is in “${added.team.name}”.`
    })
  }

  async removeMember(ctx: HttpContext) {
    return this.#write(ctx, ctx.params.team, async (actor) => {
      const team = await new RemoveTeamMember().execute({
        ...actor,
        teamPublicId: ctx.params.team,
        personPublicId: ctx.params.person,
      })
      return `Removed from “${team.name}”.`
    })
  }

  async #write(
    ctx: HttpContext,
    team: string | null,
    change: (actor: {
      organizationId: number
      actor: NonNullable<HttpContext['auth']['user']>
      meta: ReturnType<typeof requestMeta>
    }) => Promise<string>
  ) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.manage')
    // the message goes next to the team it is about (or the new-team form)
    redrawOnRefusal(ctx, {
      view: 'pages/settings/teams',
      state: async () => ({ ...(await this.#page(ctx)), refusedTeam: team }),
    })
    const message = await change({
      organizationId: ctx.organization!.id,
      actor: ctx.auth.use('web').user!,
      meta: requestMeta(ctx),
    })
    return redirectAfterWrite(ctx, '/settings/teams', { kind: 'success', message })
  }

  async #render(ctx: HttpContext) {
    return ctx.view.render('pages/settings/teams', await this.#page(ctx))
  }

  async #page(ctx: HttpContext) {
    const organizationId = ctx.organization!.id
    const [teams, people] = await Promise.all([
      listTeams(organizationId),
      listPeople(organizationId),
    ])
    return {
      teams,
      people,
      peopleLimit: PEOPLE_PAGE_LIMIT,
      canManage: ctx.membership
        ? await ctx.bouncer.allows(memberCan, ctx.membership, 'organization.manage')
        : false,
    }
  }
}
