import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import RefreshInsights from '#actions/insights/refresh_insights'
import { isTimeZone } from '#services/insights/time_zone'
import Organization from '#models/organization'
import type User from '#models/user'
import { recordAudit, type RequestMeta } from '#services/audit'

/**
 * Renames the organisation, sets its MFA policy and its time zone (the
 * insights' days, weeks and presets follow it). Making MFA optional
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
    meta: RequestMeta
  }) {
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
      }
      organization.merge({
        name: input.name.trim(),
        mfaRequired: input.mfaRequired,
        timeZone: input.timeZone ?? organization.timeZone,
      })
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
            },
          },
        },
        trx
      )
      return { organization, timeZoneChanged: before.timeZone !== organization.timeZone }
    })
    // every day of the rollup moves with the zone: rebuild the whole history
    if (result.timeZoneChanged) {
      await new RefreshInsights().execute({ organizationId: result.organization.id, full: true })
    }
    return result.organization
  }
}
