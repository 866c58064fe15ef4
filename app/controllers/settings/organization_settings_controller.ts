import type { HttpContext } from '@adonisjs/core/http'
import UpdateOrganizationSettings from '#actions/organizations/update_organization_settings'
import { memberCan } from '#abilities/main'
import { requestMeta } from '#services/auth_session'
import { timeZoneChoices } from '#services/insights/time_zone'
import { formatEnvironmentNames } from '#services/insights/production_environments'
import { organizationSettingsValidator } from '#validators/organization'

export default class OrganizationSettingsController {
  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.manage')
    return ctx.view.render('pages/settings/organization', {
      timeZones: timeZoneChoices(),
      productionEnvironments: formatEnvironmentNames(ctx.organization!.productionEnvironments),
      workingDays: ctx.organization!.workingDays.split(','),
    })
  }

  async update(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.manage')
    const input = await ctx.request.validateUsing(organizationSettingsValidator)
    await new UpdateOrganizationSettings().execute({
      organization: ctx.organization!,
      actor: ctx.auth.use('web').user!,
      name: input.name,
      mfaRequired: input.mfaRequired === 'required',
      timeZone: input.timeZone,
      productionEnvironments: input.productionEnvironments,
      perPersonFigures:
        input.perPersonFigures === undefined ? undefined : input.perPersonFigures === 'shown',
      includeBotPullRequests:
        input.botPullRequests === undefined ? undefined : input.botPullRequests === 'included',
      workingHours:
        input.firstReviewHours === undefined
          ? undefined
          : {
              only: input.firstReviewHours === 'working',
              days: input.workingDays ?? [],
              starts: input.workingDayStarts ?? '',
              ends: input.workingDayEnds ?? '',
            },
      meta: requestMeta(ctx),
    })
    ctx.session.flash('success', 'Organisation settings saved.')
    return ctx.response.redirect('/settings/organization')
  }
}
