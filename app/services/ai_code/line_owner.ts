import db from '@adonisjs/lucid/services/db'

const lower = (value: string | null | undefined) => value?.trim().toLowerCase() || null

/**
 * Whether a member wrote the lines of a commit: the commit's author email
 * is theirs, or its author's identity (on the commit's code host) belongs
 * to the person matched on their email. Fenced to the organisation.
 */
export async function wroteCommit(
  organizationId: number,
  repositoryId: number,
  sha: string,
  user: { email: string }
): Promise<boolean> {
  const email = lower(user.email)
  if (!email) return false
  const commit = await db
    .from('commits')
    .where('organization_id', organizationId)
    .where('repository_id', repositoryId)
    .where('sha', sha)
    .first()
  if (!commit) return false
  if (lower(commit.author_email) === email) return true
  if (!commit.author_login) return false
  const person = await db
    .from('contributors')
    .join('people', 'people.id', 'contributors.person_id')
    .where('contributors.organization_id', organizationId)
    .where('people.organization_id', organizationId)
    .where('contributors.provider', commit.provider)
    .where('contributors.login', commit.author_login)
    .where('people.email', email)
    .first()
  return Boolean(person)
}
