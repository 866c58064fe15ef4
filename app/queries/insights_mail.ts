import db from '@adonisjs/lucid/services/db'
import { publicIds } from '#services/public_id'
import { roleAllows } from '#services/authorization'
import { normalisedEmail } from '#plugin-sdk/identity'

const membershipIds = publicIds('membership')

export type MailRecipient = {
  membershipId: number
  membershipPublicId: string
  email: string
  name: string | null
  role: string
}

/**
 * The members of an organisation who receive its insights mail: not
 * stopped by them (settings or a digest's unsubscribe link), with an
 * account that is not locked. `managersOnly` keeps those who may change
 * the agreements (alerts go to them).
 */
export async function insightsMailRecipients(
  organizationId: number,
  options: { managersOnly: boolean }
): Promise<MailRecipient[]> {
  const rows = await db
    .from('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where('m.organization_id', organizationId)
    .whereNull('m.insights_mail_stopped_at')
    .whereNull('u.locked_at')
    .select('m.id', 'm.role', 'u.email', 'u.full_name')
    .orderBy('m.id')
  return rows
    .filter((row) => !options.managersOnly || roleAllows(row.role, 'organization.manage'))
    .map((row) => ({
      membershipId: row.id,
      membershipPublicId: membershipIds.encode(row.id),
      email: row.email,
      name: row.full_name,
      role: row.role,
    }))
}

/**
 * The teams each member belongs to, through the person the member is in
 * the identity layer (contract v2: one person owns a provider identity
 * per provider, linked across them): the person holding the member's
 * address as its verified e-mail, or the person of an identity whose
 * provider verified that address. A team that holds that person, by any
 * of its identities (a GitHub team, a Jira group of the linked Jira
 * account, a team made by hand), is the member's. Only a member whom no
 * verified address places falls back to plain e-mail: the people with an
 * identity showing the address unverified (a Data Center account whose
 * address an administrator typed). So an unverified copy of someone's
 * address does not pull them into another person's teams.
 * Membership id → team ids.
 */
export async function teamsOfMembers(organizationId: number): Promise<Map<number, number[]>> {
  const members = await db
    .from('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where('m.organization_id', organizationId)
    .select('m.id', 'u.email')
  const byEmail = new Map<string, number[]>()
  for (const member of members) {
    const email = normalisedEmail(member.email)
    if (email) byEmail.set(email, [...(byEmail.get(email) ?? []), Number(member.id)])
  }
  const emails = [...byEmail.keys()]
  const verified = new Map<string, Set<number>>()
  const unverified = new Map<string, Set<number>>()
  const add = (into: Map<string, Set<number>>, email: string, personId: number) =>
    into.set(email, (into.get(email) ?? new Set()).add(Number(personId)))
  for (let at = 0; at < emails.length; at += 500) {
    const chunk = emails.slice(at, at + 500)
    const people = await db
      .from('people')
      .where('organization_id', organizationId)
      .whereIn(db.raw('LOWER(TRIM(email))'), chunk)
      .select('id', 'email')
    for (const person of people) {
      const email = normalisedEmail(person.email)
      if (email) add(verified, email, person.id)
    }
    const identities = await db
      .from('contributors')
      .where('organization_id', organizationId)
      .whereNotNull('person_id')
      .whereIn(db.raw('LOWER(TRIM(email))'), chunk)
      .select('person_id', 'email', 'email_verified')
    for (const identity of identities) {
      const email = normalisedEmail(identity.email)
      if (!email) continue
      add(identity.email_verified ? verified : unverified, email, identity.person_id)
    }
  }
  const personOf = new Map<number, Set<number>>()
  for (const [email, memberships] of byEmail) {
    const people = verified.get(email) ?? unverified.get(email)
    if (!people) continue
    for (const membershipId of memberships) personOf.set(membershipId, people)
  }
  const personIds = [...new Set([...personOf.values()].flatMap((people) => [...people]))]
  const teamsOfPerson = new Map<number, number[]>()
  for (let at = 0; at < personIds.length; at += 500) {
    const rows = await db
      .from('team_members')
      .where('organization_id', organizationId)
      .whereIn('person_id', personIds.slice(at, at + 500))
      .select('person_id', 'team_id')
    for (const row of rows) {
      const person = Number(row.person_id)
      teamsOfPerson.set(person, [...(teamsOfPerson.get(person) ?? []), Number(row.team_id)])
    }
  }
  const teams = new Map<number, number[]>()
  for (const [membershipId, people] of personOf) {
    const ids = [...new Set([...people].flatMap((person) => teamsOfPerson.get(person) ?? []))]
    if (ids.length > 0)
      teams.set(
        membershipId,
        ids.sort((a, b) => a - b)
      )
  }
  return teams
}
