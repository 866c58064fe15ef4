import type { PluginRouteContext } from '#plugin-sdk'
import AddKnowledge from './actions/add_knowledge.js'
import DeleteKnowledge from './actions/delete_knowledge.js'
import ListKnowledge from './actions/list_knowledge.js'
import { ConsultKnowledge } from './consult.js'
import { EmbeddingFailed } from './embedders/embedder.js'
import { entryJson } from './json.js'
import { mayManageKnowledge } from './permissions.js'
import {
  addKnowledgeValidator,
  askKnowledgeValidator,
  listKnowledgeValidator,
} from './validators.js'

type Validator<Output> = { validate(data: unknown): Promise<Output> }

/**
 * Validates an API body or query; on bad input answers 422 with one
 * error per field (`question_answer_data.1.answer`) and returns null.
 */
async function validJson<Output>(
  ctx: PluginRouteContext,
  validator: Validator<Output>,
  data: unknown
): Promise<Output | null> {
  try {
    return await validator.validate(data)
  } catch (error) {
    const messages = (error as { code?: string; messages?: unknown }).messages
    if ((error as { code?: string }).code !== 'E_VALIDATION_ERROR' || !Array.isArray(messages)) {
      throw error
    }
    ctx.response.unprocessableEntity({
      errors: messages.map((message: { field: string; message: string; rule: string }) => ({
        field: message.field,
        message: message.message,
        rule: message.rule,
      })),
    })
    return null
  }
}

/** The organisation the token acts on, or null after answering 403. */
function organizationOf(ctx: PluginRouteContext): number | null {
  if (ctx.plugin.organizationId === null) {
    ctx.response.forbidden({ errors: [{ message: 'This token belongs to no organisation' }] })
  }
  return ctx.plugin.organizationId
}

/** Writes need a token with the "write" ability held by a member who manages the assistant. */
function mayWrite(ctx: PluginRouteContext): boolean {
  const token = ctx.auth.use('api').user?.currentAccessToken
  if (!token?.allows('write')) {
    ctx.response.forbidden({ errors: [{ message: 'This token cannot write' }] })
    return false
  }
  if (!mayManageKnowledge(ctx)) {
    ctx.response.forbidden({
      errors: [{ message: 'Only members who manage integrations may change the knowledge base' }],
    })
    return false
  }
  return true
}

/** POST /api/v1/knowledge: a document's question/answer pairs, embedded and stored. */
export async function storeKnowledgeApi(ctx: PluginRouteContext) {
  const organizationId = organizationOf(ctx)
  if (organizationId === null || !mayWrite(ctx)) return
  const input = await validJson(ctx, addKnowledgeValidator, ctx.request.body())
  if (!input) return
  try {
    const entries = await new AddKnowledge().execute({
      organizationId,
      documentTitle: input.document_title,
      pairs: input.question_answer_data,
    })
    return ctx.response.created({
      data: { documentTitle: input.document_title, entries: entries.map(entryJson) },
    })
  } catch (error) {
    if (!(error instanceof EmbeddingFailed)) throw error
    return ctx.response.status(502).send({
      errors: [{ message: `${error.message} Nothing was stored.` }],
    })
  }
}

/** GET /api/v1/knowledge: the entries, paginated, filtered by search or document. */
export async function listKnowledgeApi(ctx: PluginRouteContext) {
  const organizationId = organizationOf(ctx)
  if (organizationId === null) return
  const filters = await validJson(ctx, listKnowledgeValidator, ctx.request.qs())
  if (!filters) return
  const page = await new ListKnowledge().execute({ organizationId, filters })
  const { meta } = page.toJSON()
  return {
    data: page.all().map(entryJson),
    meta: {
      total: meta.total,
      perPage: meta.perPage,
      currentPage: meta.currentPage,
      lastPage: meta.lastPage,
    },
  }
}

/** DELETE /api/v1/knowledge/:entry */
export async function deleteKnowledgeApi(ctx: PluginRouteContext) {
  const organizationId = organizationOf(ctx)
  if (organizationId === null || !mayWrite(ctx)) return
  const deleted = await new DeleteKnowledge().execute({
    organizationId,
    entryPublicId: String(ctx.params.entry),
  })
  if (deleted === 0) return ctx.response.notFound({ errors: [{ message: 'No such entry' }] })
  return ctx.response.noContent()
}

/** POST /api/v1/knowledge/ask: what the assistant's retrieval says about a question. */
export async function askKnowledgeApi(ctx: PluginRouteContext) {
  const organizationId = organizationOf(ctx)
  if (organizationId === null) return
  const input = await validJson(ctx, askKnowledgeValidator, ctx.request.body())
  if (!input) return
  try {
    const verdict = await new ConsultKnowledge().execute({
      organizationId,
      question: input.question ?? '',
    })
    return { data: verdict }
  } catch (error) {
    if (!(error instanceof EmbeddingFailed)) throw error
    return ctx.response.status(502).send({ errors: [{ message: error.message }] })
  }
}
