import router from '@adonisjs/core/services/router'
import db from '@adonisjs/lucid/services/db'
import { appUrl } from '#config/app'
import Membership from '#models/membership'

export const INSIGHTS_MAIL_PURPOSE = 'insights-mail'

/** the digest's one-click unsubscribe link for one membership, absolute and signed (no expiry: old digests keep working) */
export function stopMailLink(membershipPublicId: string) {
  return router.urlBuilder.signedUrlFor(
    'insights.mail.stop',
    { membership: membershipPublicId },
    { purpose: INSIGHTS_MAIL_PURPOSE, prefixUrl: appUrl.replace(/\/+$/, '') }
  )
}

/** an absolute link to a page of the app, for mail */
export function appLink(path: string) {
  return new URL(path, appUrl).toString()
}

export async function membershipOrganizationName(membershipPublicId: string) {
  const row = await db
    .from('memberships as m')
    .join('organizations as o', 'o.id', 'm.organization_id')
    .where('m.id', Membership.keyFromPublicId(membershipPublicId) ?? 0)
    .select('o.name')
    .first()
  return row?.name ?? 'the organisation'
}
