import type { PluginRouteContext } from '#plugin-sdk'
import DeleteAiModel from '../ai/actions/delete_ai_model.js'
import ListAiModels, { findAiModel } from '../ai/actions/list_ai_models.js'
import SaveAiModel, { AiModelRefused } from '../ai/actions/save_ai_model.js'
import TestAiModel, { type ModelTestOutcome } from '../ai/actions/test_ai_model.js'
import type AiModel from '../ai/ai_model.js'
import { aiModelValidator, type AiModelValues } from '../ai/validators.js'
import { afterWrite, forbidden, notFound } from './respond.js'

export const MODELS_PATH = '/assistant/models'
/** who may add, change, test and remove models (members may read the list); declared in plugin.ts */
export const MANAGE_MODELS = 'noa.models.manage'

/**
 * The form as it was typed (never the key), standing in for the model
 * when the form comes back with a refusal, so the fields show what the
 * user typed rather than what is stored.
 */
type TypedModel = Omit<AiModelValues, 'apiKey' | 'clearApiKey' | 'temperature' | 'maxTokens'> & {
  temperature: number | null
  maxTokens: number | null
  publicId: string | null
  hasApiKey: boolean
}

function typedModel(values: AiModelValues, stored: AiModel | null): TypedModel {
  const typed: Partial<AiModelValues> = { ...values }
  delete typed.apiKey
  delete typed.clearApiKey
  return {
    ...(typed as AiModelValues),
    temperature: values.temperature ?? null,
    maxTokens: values.maxTokens ?? null,
    publicId: stored?.publicId ?? null,
    hasApiKey: Boolean(stored?.hasApiKey) && !values.clearApiKey,
  }
}

/**
 * A refusal shown under its field, as the framework shows validation
 * errors after a redirect (@inputError reads flashMessages), but on this
 * very answer, with 422.
 */
function refusalMessages(refusal: AiModelRefused) {
  const bag = { inputErrorsBag: { [refusal.field]: [refusal.message] } }
  return {
    get: (key: string, fallback?: unknown) =>
      key in bag ? bag[key as keyof typeof bag] : fallback,
    has: (key: string) => key in bag,
    all: () => bag,
  }
}

type FormState = { model?: TypedModel | null; refusal?: AiModelRefused | null }

function endpointUrl(ctx: PluginRouteContext) {
  return `${ctx.request.protocol()}://${ctx.request.host()}/noa/mm`
}

async function renderModels(
  ctx: PluginRouteContext,
  extra: { tested?: { model: AiModel; outcome: ModelTestOutcome } } & FormState = {}
) {
  const models = await new ListAiModels().execute(ctx.plugin.organizationId!)
  const data = {
    models,
    canManage: ctx.plugin.can(MANAGE_MODELS),
    tested: extra.tested ?? null,
    ...(extra.refusal ? { model: extra.model, flashMessages: refusalMessages(extra.refusal) } : {}),
    endpointUrl: endpointUrl(ctx),
    path: MODELS_PATH,
    section: 'models',
  }
  if (ctx.htmx.wantsPartial && ctx.htmx.target?.startsWith('model-test-')) {
    return ctx.view.render('noa::models/partials/test_outcome', data)
  }
  return ctx.view.render('noa::models/index', data)
}

/** GET /assistant/models */
export function showModels(ctx: PluginRouteContext) {
  return renderModels(ctx)
}

/** GET /assistant/models/:model/edit */
export async function editModel(ctx: PluginRouteContext) {
  if (!ctx.plugin.can(MANAGE_MODELS)) return forbidden(ctx)
  const model = await findAiModel(ctx.plugin.organizationId!, String(ctx.params.model))
  if (!model) return notFound(ctx)
  return ctx.view.render('noa::models/edit', { model, path: MODELS_PATH, section: 'models' })
}

async function save(ctx: PluginRouteContext, model: AiModel | null) {
  const values = await ctx.request.validateUsing(aiModelValidator)
  try {
    const saved = await new SaveAiModel().execute({
      organizationId: ctx.plugin.organizationId!,
      model,
      values,
    })
    return afterWrite(ctx, MODELS_PATH, {
      kind: 'success',
      message: `Model “${saved.name}” saved.`,
    })
  } catch (error) {
    if (!(error instanceof AiModelRefused)) throw error
    ctx.response.status(422)
    const typed = typedModel(values, model)
    if (model) {
      return ctx.view.render('noa::models/edit', {
        model: typed,
        path: MODELS_PATH,
        section: 'models',
        flashMessages: refusalMessages(error),
      })
    }
    return renderModels(ctx, { model: typed, refusal: error })
  }
}

/** POST /assistant/models */
export async function createModel(ctx: PluginRouteContext) {
  if (!ctx.plugin.can(MANAGE_MODELS)) return forbidden(ctx)
  return save(ctx, null)
}

/** POST /assistant/models/:model */
export async function updateModel(ctx: PluginRouteContext) {
  if (!ctx.plugin.can(MANAGE_MODELS)) return forbidden(ctx)
  const model = await findAiModel(ctx.plugin.organizationId!, String(ctx.params.model))
  if (!model) return notFound(ctx)
  return save(ctx, model)
}

/** POST /assistant/models/:model/delete */
export async function deleteModel(ctx: PluginRouteContext) {
  if (!ctx.plugin.can(MANAGE_MODELS)) return forbidden(ctx)
  const model = await findAiModel(ctx.plugin.organizationId!, String(ctx.params.model))
  if (!model) return notFound(ctx)
  await new DeleteAiModel().execute(model)
  return afterWrite(ctx, MODELS_PATH, {
    kind: 'success',
    message: `Model “${model.name}” removed.`,
  })
}

/** POST /assistant/models/:model/test: one real call, its outcome shown next to the model */
export async function testModel(ctx: PluginRouteContext) {
  if (!ctx.plugin.can(MANAGE_MODELS)) return forbidden(ctx)
  const model = await findAiModel(ctx.plugin.organizationId!, String(ctx.params.model))
  if (!model) return notFound(ctx)
  const outcome = await new TestAiModel().execute(model)
  return renderModels(ctx, { tested: { model, outcome } })
}
