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
  if (path === '/rest/api/2/groups/picker' || path === '/rest/api/2/group/member')
    return dataCenterGroups(target, path, url)
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

/**
 * Data Center's side: the group picker (GET /rest/api/2/groups/picker:
 * groups whose name contains `query`, sorted, without the `exclude`d
 * ones, at most jira.ajax.autocomplete.limit of them whatever
 * maxResults says, with "Showing X of Y matching groups") and Get users
 * from group by name (GET /rest/api/2/group/member?groupname=, paged by
 * startAt like Cloud's, users by name and key).
 */
function dataCenterGroups(target: FakeSite, path: string, url: URL): Answer {
  if (target.groups === null)
    return {
      status: 403,
      body: { errorMessages: ['You do not have the permission to browse users and groups.'] },
    }
  const all = target.groups ?? []
  if (path === '/rest/api/2/groups/picker') {
    const query = (url.searchParams.get('query') ?? '').toLowerCase()
    const excluded = new Set(url.searchParams.getAll('exclude'))
    const matching = all
      .map((group) => group.name)
      .filter((name) => name.toLowerCase().includes(query) && !excluded.has(name))
      .sort((a, b) => a.localeCompare(b))
    const limit = Math.min(
      Number(url.searchParams.get('maxResults') ?? target.pickerLimit ?? 20),
      target.pickerLimit ?? 20
    )
    const shown = matching.slice(0, limit)
    return {
      status: 200,
      body: {
        header: `Showing ${shown.length} of ${matching.length} matching groups`,
        total: matching.length,
        groups: shown.map((name) => ({ name, html: name, labels: [] })),
      },
    }
  }
  const group = all.find((each) => each.name === url.searchParams.get('groupname'))
  if (!group)
    return {
      status: 404,
      body: {
        errorMessages: [`Group with name '${url.searchParams.get('groupname')}' does not exist.`],
      },
    }
  const startAt = Number(url.searchParams.get('startAt') ?? 0)
  const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 50), 50)
  const values = group.members.slice(startAt, startAt + maxResults)
  return {
    status: 200,
    body: {
      self: url.toString(),
      maxResults,
      startAt,
      total: group.members.length,
      isLast: startAt + values.length >= group.members.length,
      values: values.map((member) => ({
        self: `${target.url}/rest/api/2/user?username=${member.accountId}`,
        name: member.accountId,
        key: `JIRAUSER-${member.accountId}`,
        displayName: member.displayName,
        ...(member.emailAddress ? { emailAddress: member.emailAddress } : {}),
        active: true,
      })),
    },
  }
}
