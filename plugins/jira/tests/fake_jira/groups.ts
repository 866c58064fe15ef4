import type { Answer } from './http.js'
import type { FakeSite } from './state.js'

/**
 * Jira's groups as the fake serves them: Bulk get groups
 * (GET /rest/api/3/group/bulk) and Get users from group
 * (GET /rest/api/3/group/member?groupId=), both paged by startAt and
 * maxResults (50 at most) with isLast; without "Browse users and groups"
 * (site.groups === null) both answer 403.
 */
export function groups(target: FakeSite, path: string, url: URL): Answer | null {
  if (path !== '/rest/api/3/group/bulk' && path !== '/rest/api/3/group/member') return null
  if (target.groups === null)
    return {
      status: 403,
      body: { errorMessages: ['You do not have the permission to browse users and groups.'] },
    }
  const all = target.groups ?? []
  const startAt = Number(url.searchParams.get('startAt') ?? 0)
  const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 50), 50)
  const page = <T>(items: T[], map: (item: T) => unknown) => {
    const values = items.slice(startAt, startAt + maxResults)
    return {
      status: 200,
      body: {
        maxResults,
        startAt,
        total: items.length,
        isLast: startAt + values.length >= items.length,
        values: values.map(map),
      },
    }
  }
  if (path === '/rest/api/3/group/bulk')
    return page(all, (group) => ({ name: group.name, groupId: group.groupId }))
  const group = all.find((each) => each.groupId === url.searchParams.get('groupId'))
  if (!group) return { status: 404, body: { errorMessages: ['The group does not exist.'] } }
  return page(group.members, (member) => ({
    self: `${target.url}/rest/api/3/user?accountId=${member.accountId}`,
    accountId: member.accountId,
    accountType: member.accountType ?? 'atlassian',
    displayName: member.displayName,
    ...(member.emailAddress ? { emailAddress: member.emailAddress } : {}),
    active: true,
  }))
}
