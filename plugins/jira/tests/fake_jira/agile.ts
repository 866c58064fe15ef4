import type { Answer } from './http.js'
import type { FakeSite } from './state.js'

/**
 * Jira Software's Agile API as the fake serves it: the boards
 * (GET /rest/agile/1.0/board) and a board's sprints
 * (GET /rest/agile/1.0/board/{id}/sprint), both paged by startAt and
 * maxResults (50 by default) with isLast; a kanban board's sprints are
 * refused with 400, as Jira does.
 */
export function agile(target: FakeSite, path: string, url: URL): Answer | null {
  const startAt = Number(url.searchParams.get('startAt') ?? 0)
  const maxResults = Number(url.searchParams.get('maxResults') ?? 50)
  const page = <T>(all: T[], map: (item: T) => unknown) => {
    const values = all.slice(startAt, startAt + maxResults)
    return {
      status: 200,
      body: {
        maxResults,
        startAt,
        total: all.length,
        isLast: startAt + values.length >= all.length,
        values: values.map(map),
      },
    }
  }
  const base = `${target.url}/rest/agile/1.0`
  if (!path.startsWith('/rest/agile/1.0/')) return null
  if (!target.boards)
    return { status: 404, body: { errorMessages: ['Jira Software is not installed.'] } }
  if (path === '/rest/agile/1.0/board') {
    return page(target.boards, (board) => ({
      id: board.id,
      self: `${base}/board/${board.id}`,
      name: board.name,
      type: board.type,
      location: { projectKey: board.projectKey, displayName: board.projectKey },
    }))
  }
  const sprints = /^\/rest\/agile\/1\.0\/board\/(\d+)\/sprint$/.exec(path)
  if (sprints) {
    const board = target.boards.find((each) => each.id === Number(sprints[1]))
    if (!board) return { status: 404, body: { errorMessages: ['Board does not exist.'] } }
    if (board.type !== 'scrum')
      return { status: 400, body: { errorMessages: ['The board does not support sprints'] } }
    return page(board.sprints, (sprint) => ({
      id: sprint.id,
      self: `${base}/sprint/${sprint.id}`,
      state: sprint.state,
      name: sprint.name,
      ...(sprint.startDate ? { startDate: sprint.startDate } : {}),
      ...(sprint.endDate ? { endDate: sprint.endDate } : {}),
      ...(sprint.completeDate ? { completeDate: sprint.completeDate } : {}),
      originBoardId: board.id,
      ...(sprint.goal ? { goal: sprint.goal } : {}),
    }))
  }
  return { status: 404, body: { errorMessages: [`No route for ${path}`] } }
}
