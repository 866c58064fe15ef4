import { redirectAfterWrite, type PluginRouteContext } from '#plugin-sdk'
import AddKnowledge, { type QuestionAnswer } from './actions/add_knowledge.js'
import DeleteKnowledge from './actions/delete_knowledge.js'
import ListKnowledge from './actions/list_knowledge.js'
import SaveKnowledgeSettings from './actions/save_knowledge_settings.js'
import { ConsultKnowledge, type KnowledgeVerdict } from './consult.js'
import { EmbeddingFailed } from './embedders/embedder.js'
import { mayManageKnowledge } from './permissions.js'
import { knowledgeSettingsFor } from './settings.js'
import {
  addKnowledgeValidator,
  askKnowledgeValidator,
  deleteDocumentValidator,
  knowledgeSettingsValidator,
  listKnowledgeValidator,
} from './validators.js'

export const KNOWLEDGE_PATH = '/assistant/knowledge'
const BLANK_ROWS = 3
const MAX_ROWS = 50

type PageState = {
  rows?: QuestionAnswer[]
  documentTitle?: string
  verdict?: { question: string; result: KnowledgeVerdict | { kind: 'failed'; message: string } }
  addError?: string
}

function listUrl(search?: string, page?: number) {
  const query = new URLSearchParams()
  if (search) query.set('search', search)
  if (page && page > 1) query.set('page', String(page))
  return query.size > 0 ? `${KNOWLEDGE_PATH}?${query}` : KNOWLEDGE_PATH
}

/** The form's rows, blank ones dropped: `question_answer_data[i][question|answer]`. */
function formRows(raw: unknown): QuestionAnswer[] {
  const list: unknown[] = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object'
      ? Object.values(raw)
      : []
  return list
    .map((row) => {
      const value = (row ?? {}) as Record<string, unknown>
      return {
        question: typeof value.question === 'string' ? value.question : '',
        answer: typeof value.answer === 'string' ? value.answer : '',
      }
    })
    .filter((row) => row.question.trim() !== '' || row.answer.trim() !== '')
}

function flashedRowsWithBlanks(ctx: PluginRouteContext) {
  const rows = formRows(ctx.session.flashMessages.get('question_answer_data'))
  return withBlankRows(rows, Math.max(1, BLANK_ROWS - rows.length))
}

function withBlankRows(rows: QuestionAnswer[], blanks: number) {
  return [...rows, ...Array.from({ length: blanks }, () => ({ question: '', answer: '' }))]
}

async function renderPage(ctx: PluginRouteContext, state: PageState = {}) {
  const organizationId = ctx.plugin.organizationId!
  let filters: { search?: string; page?: number } = {}
  try {
    filters = await listKnowledgeValidator.validate(ctx.request.qs())
  } catch {
    filters = {}
  }
  const page = await new ListKnowledge().execute({
    organizationId,
    filters: { ...filters, perPage: 50 },
  })
  const groups: { title: string; entries: ReturnType<typeof page.all> }[] = []
  for (const entry of page.all()) {
    const last = groups.at(-1)
    if (last?.title === entry.documentTitle) last.entries.push(entry)
    else groups.push({ title: entry.documentTitle, entries: [entry] })
  }
  const data = {
    groups,
    total: page.total,
    currentPage: page.currentPage,
    lastPage: page.lastPage,
    search: filters.search ?? '',
    listUrl: (number: number) => listUrl(filters.search, number),
    canManage: mayManageKnowledge(ctx),
    settings: await knowledgeSettingsFor(organizationId),
    // after a refused save, the rows as they were typed (flashed by the validation redirect)
    rows: state.rows ?? flashedRowsWithBlanks(ctx),
    documentTitle: state.documentTitle ?? '',
    verdict: state.verdict ?? null,
    addError: state.addError ?? null,
    path: KNOWLEDGE_PATH,
    section: 'knowledge',
  }
  if (ctx.htmx.wantsPartial && ctx.htmx.target === 'knowledge-list') {
    return ctx.view.render('noa::knowledge/partials/list', data)
  }
  return ctx.view.render('noa::knowledge/index', data)
}

/** After a write: htmx follows HX-Location, a plain form is redirected. */
function afterWrite(
  ctx: PluginRouteContext,
  message: string,
  kind: 'success' | 'error' = 'success'
) {
  return redirectAfterWrite(ctx, KNOWLEDGE_PATH, { kind, message })
}

async function forbidden(ctx: PluginRouteContext) {
  return ctx.response.forbidden(await ctx.view.render('pages/errors/forbidden'))
}

/** GET /assistant/knowledge: the entries by document, search, add, settings, try a question. */
export function showKnowledge(ctx: PluginRouteContext) {
  return renderPage(ctx)
}

/**
 * POST /assistant/knowledge/documents: stores a document's pairs. The
 * "Add a row" button posts the same form and gets it back with one more
 * row, so adding rows works without JavaScript.
 */
export async function addDocument(ctx: PluginRouteContext) {
  if (!mayManageKnowledge(ctx)) return forbidden(ctx)
  const rows = formRows(ctx.request.input('question_answer_data'))
  if (ctx.request.input('intent') === 'add_row') {
    return renderPage(ctx, {
      rows: withBlankRows(rows, 1),
      documentTitle: String(ctx.request.input('document_title') ?? ''),
    })
  }
  if (rows.length > MAX_ROWS) {
    // refused whole: storing the first 50 of 60 would lose ten silently
    ctx.response.status(422)
    return renderPage(ctx, {
      rows: withBlankRows(rows, 0),
      documentTitle: String(ctx.request.input('document_title') ?? ''),
      addError: `At most ${MAX_ROWS} questions can be added at a time; this form has ${rows.length}. Nothing was stored: remove some rows, or add them in two parts.`,
    })
  }
  const input = await ctx.request.validateUsing(addKnowledgeValidator, {
    data: { document_title: ctx.request.input('document_title'), question_answer_data: rows },
  })
  try {
    const entries = await new AddKnowledge().execute({
      organizationId: ctx.plugin.organizationId!,
      documentTitle: input.document_title,
      pairs: input.question_answer_data,
    })
    const count = entries.length
    return afterWrite(
      ctx,
      `Added ${count} question${count === 1 ? '' : 's'} to “${input.document_title}”.`
    )
  } catch (error) {
    if (!(error instanceof EmbeddingFailed)) throw error
    ctx.response.status(502)
    return renderPage(ctx, {
      rows: withBlankRows(rows, 0),
      documentTitle: input.document_title,
      addError: `${error.message} Nothing was stored.`,
    })
  }
}

/** POST /assistant/knowledge/entries/:entry/delete */
export async function deleteEntry(ctx: PluginRouteContext) {
  if (!mayManageKnowledge(ctx)) return forbidden(ctx)
  const deleted = await new DeleteKnowledge().execute({
    organizationId: ctx.plugin.organizationId!,
    entryPublicId: String(ctx.params.entry),
  })
  if (deleted === 0) {
    return ctx.response.notFound(await ctx.view.render('pages/errors/not_found'))
  }
  return afterWrite(ctx, 'Question deleted.')
}

/** POST /assistant/knowledge/documents/delete: every entry under one title. */
export async function deleteDocument(ctx: PluginRouteContext) {
  if (!mayManageKnowledge(ctx)) return forbidden(ctx)
  const input = await ctx.request.validateUsing(deleteDocumentValidator)
  const deleted = await new DeleteKnowledge().execute({
    organizationId: ctx.plugin.organizationId!,
    documentTitle: input.document_title,
  })
  if (deleted === 0) {
    return ctx.response.notFound(await ctx.view.render('pages/errors/not_found'))
  }
  return afterWrite(
    ctx,
    `Deleted “${input.document_title}” (${deleted} question${deleted === 1 ? '' : 's'}).`
  )
}

/** POST /assistant/knowledge/settings */
export async function saveSettings(ctx: PluginRouteContext) {
  if (!mayManageKnowledge(ctx)) return forbidden(ctx)
  const input = await ctx.request.validateUsing(knowledgeSettingsValidator)
  await new SaveKnowledgeSettings().execute({
    organizationId: ctx.plugin.organizationId!,
    settings: {
      similarityThreshold: input.similarity_threshold,
      topK: input.top_k,
      maxQuestionLength: input.max_question_length,
      blockedTopics: input.blocked_topics ?? [],
      strictMode: input.strict_mode === true,
    },
  })
  return afterWrite(ctx, 'Knowledge base settings saved.')
}

/**
 * POST /assistant/knowledge/try: the verdict the assistant would reach,
 * shown in place under htmx, or on the whole page without JavaScript.
 */
export async function tryQuestion(ctx: PluginRouteContext) {
  const input = await ctx.request.validateUsing(askKnowledgeValidator)
  const question = input.question ?? ''
  let result: KnowledgeVerdict | { kind: 'failed'; message: string }
  try {
    result = await new ConsultKnowledge().execute({
      organizationId: ctx.plugin.organizationId!,
      question,
    })
  } catch (error) {
    if (!(error instanceof EmbeddingFailed)) throw error
    result = { kind: 'failed', message: error.message }
  }
  if (ctx.htmx.wantsPartial) {
    return ctx.view.render('noa::knowledge/partials/verdict', { verdict: { question, result } })
  }
  return renderPage(ctx, { verdict: { question, result } })
}
