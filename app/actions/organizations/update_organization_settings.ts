import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import RefreshInsights from '#actions/insights/refresh_insights'
import { isTimeZone } from '#services/insights/time_zone'
import { parseEnvironmentNames } from '#services/insights/production_environments'
import { parseWorkingDays, workingHoursProblem } from '#services/insights/working_hours'
import Organization from '#models/organization'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'

/**
 * Renames the organisation, sets its MFA policy, its time zone (the
 * insights' days, weeks and presets follow it), its production
 * mapping (the environment names its DORA metrics count) and whether
 * time to first review counts its working hours only. Making MFA optional
 * is recorded distinctly in the audit log: auditors look for it.
 */
export default class UpdateOrganizationSettings {
  async execute(input: {
    organization: Organization
    actor: User
    name: string
    mfaRequired: boolean
    /** IANA name; the insights' days follow it (unchanged when absent) */
    timeZone?: string
    /** comma-separated environment names that mean production (unchanged when absent) */
    productionEnvironments?: string
    /** whether bot-authored pull requests count in flow metrics (unchanged when absent) */
    includeBotPullRequests?: boolean
    /** whether the insights show figures per person (unchanged when absent) */
    perPersonFigures?: boolean
    /**
     * whether time to first review counts working hours only, and the
     * working week: ISO weekdays, "HH:MM" start and end (unchanged when absent)
     */
    workingHours?: { only: boolean; days: string[]; starts: string; ends: string }
    meta: RequestMeta
  }) {
    const problem = input.workingHours
      ? workingHoursProblem(
          input.workingHours.days.join(','),
          input.workingHours.starts,
          input.workingHours.ends
        )
      : null
    if (problem) {
      throw new Exception(problem, { status: 422, code: 'E_INVALID_WORKING_HOURS' })
    }
    const environments =
      input.productionEnvironments === undefined
        ? undefined
        : parseEnvironmentNames(input.productionEnvironments)
    if (environments === null) {
      throw new Exception('List one to 20 environment names separated by commas.', {
        status: 422,
        code: 'E_INVALID_PRODUCTION_ENVIRONMENTS',
      })
    }
    if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) {
      throw new Exception('Choose a time zone from the list (an IANA name such as Europe/Paris).', {
        status: 422,
        code: 'E_INVALID_TIME_ZONE',
      })
    }
    const result = await db.transaction(async (trx) => {
      const organization = await Organization.query({ client: trx })
        .where('id', input.organization.id)
        .firstOrFail()
      const before = {
        name: organization.name,
        mfaRequired: organization.mfaRequired,
        timeZone: organization.timeZone,
        productionEnvironments: organization.productionEnvironments,
        includeBotPullRequests: organization.includeBotPullRequests,
        perPersonFigures: organization.perPersonFigures,
        ...workingWeek(organization),
      }
      organization.merge({
        name: input.name.trim(),
        mfaRequired: input.mfaRequired,
        timeZone: input.timeZone ?? organization.timeZone,
        productionEnvironments: environments?.join(',') ?? organization.productionEnvironments,
        includeBotPullRequests: input.includeBotPullRequests ?? organization.includeBotPullRequests,
        perPersonFigures: input.perPersonFigures ?? organization.perPersonFigures,
      })
      if (input.workingHours) {
        organization.merge({
          workingHoursOnly: input.workingHours.only,
          workingDays: parseWorkingDays(input.workingHours.days.join(','))!.join(','),
          workingDayStarts: input.workingHours.starts,
          workingDayEnds: input.workingHours.ends,
        })
      }
      await organization.useTransaction(trx).save()
      await recordAudit(
        {
          event:
            before.mfaRequired !== input.mfaRequired
              ? 'organization.mfa_policy_changed'
              : 'organization.updated',
          actorId: input.actor.id,
          organizationId: organization.id,
          subject: organization.name,
          meta: input.meta,
          details: {
            before,
            after: {
              name: organization.name,
              mfaRequired: organization.mfaRequired,
              timeZone: organization.timeZone,
              productionEnvironments: organization.productionEnvironments,
              includeBotPullRequests: organization.includeBotPullRequests,
              perPersonFigures: organization.perPersonFigures,
              ...workingWeek(organization),
            },
          },
        },
        trx
      )
      return {
        organization,
        rollupChanged:
          before.timeZone !== organization.timeZone ||
          before.productionEnvironments !== organization.productionEnvironments ||
          before.includeBotPullRequests !== organization.includeBotPullRequests ||
          JSON.stringify(Object.values(workingWeek(organization))) !==
            JSON.stringify([
              before.workingHoursOnly,
              before.workingDays,
              before.workingDayStarts,
              before.workingDayEnds,
            ]),
      }
    })
    // every day moves with the zone, and which deployments count with the
    // production mapping: rebuild the whole history
    if (result.rollupChanged) {
      await new RefreshInsights().execute({ organizationId: result.organization.id, full: true })
    }
    return result.organization
  }
}

/** the working-hours settings, as the audit log records them */
function workingWeek(organization: Organization) {
  return {
    workingHoursOnly: organization.workingHoursOnly,
    workingDays: organization.workingDays,
    workingDayStarts: organization.workingDayStarts,
    workingDayEnds: organization.workingDayEnds,
  }
}
