import { HttpError, type SprintInput, type SyncContext } from '#plugin-sdk'

/**
 * Sprints through Jira Software's Agile API: every board the account
 * sees (GET /rest/agile/1.0/board), and each scrum board's sprints
 * (GET /rest/agile/1.0/board/{id}/sprint), both paged by startAt with
 * isLast, stored with their state, goal, dates and board. Issues name
 * their sprint by name (issues.sprint). A site without Jira Software (404)
 * or a grant without its scopes (401, 403) has no sprints: the task says
 * so and succeeds. Kanban boards have no sprints and are not asked.
 */

type Page<T> = { isLast?: boolean; values?: T[] }
type Board = { id: number; name?: string; type?: string }
type Sprint = {
  id: number
  name?: string
  state?: string
  goal?: string
  startDate?: string
  endDate?: string
  completeDate?: string
  originBoardId?: number
}

const PAGE = 50

async function* pages<T>(context: SyncContext, url: string): AsyncGenerator<T[]> {
  for (let startAt = 0; ;) {
    const answer = await context.http.get<Page<T>>(url, {
      query: { startAt: String(startAt), maxResults: String(PAGE) },
    })
    const values = answer.data.values ?? []
    yield values
    if (answer.data.isLast !== false || values.length === 0) return
    startAt += values.length
  }
}

function sprintRow(sprint: Sprint, board: Board, boardNames: Map<number, string>): SprintInput {
  const state = sprint.state === 'active' || sprint.state === 'closed' ? sprint.state : 'future'
  return {
    externalId: String(sprint.id),
    name: sprint.name || `Sprint ${sprint.id}`,
    state,
    goal: sprint.goal?.trim() || null,
    // a sprint shared by several boards belongs to the one it was made on
    boardExternalId: String(sprint.originBoardId ?? board.id),
    boardName: boardNames.get(sprint.originBoardId ?? board.id) ?? null,
    startAt: sprint.startDate ?? null,
    endAt: sprint.endDate ?? null,
    completedAt: sprint.completeDate ?? null,
  }
}

export async function syncSprints(context: SyncContext) {
  const agile = `${context.connection.baseUrl.replace(/\/+$/, '')}/rest/agile/1.0`
  const boards: Board[] = []
  try {
    for await (const page of pages<Board>(context, `${agile}/board`)) boards.push(...page)
  } catch (error) {
    if (error instanceof HttpError && [401, 403, 404].includes(error.status)) {
      await context.progress(0, 0, 'no Jira Software boards on this site or grant')
      return
    }
    throw error
  }
  const boardNames = new Map(boards.map((board) => [board.id, board.name ?? `Board ${board.id}`]))
  let written = 0
  const scrum = boards.filter((board) => board.type === 'scrum')
  for (const [index, board] of scrum.entries()) {
    for await (const page of pages<Sprint>(context, `${agile}/board/${board.id}/sprint`)) {
      written += await context.store.upsertSprints(
        page.map((sprint) => sprintRow(sprint, board, boardNames))
      )
    }
    await context.progress(index + 1, scrum.length, `boards (${written} sprints)`)
  }
}
