import type { PluginRouteContext } from '#plugin-sdk'
import { APOLOGY } from '../chat/answer_question.js'
import HandleGlassesRequest, { type GlassesReply } from './handle_glasses_request.js'
import { GlassesRequestError, readGlassesRequest } from './glasses_request.js'

/**
 * POST /noa/mm (and AIUI's /mm/mm/): the Noa app's custom server. Token
 * authenticated by the platform (401 JSON before this runs), which reads
 * the multipart body only after that check and removes its temporary
 * files once the answer is sent. Bad input
 * is a 4xx naming the field; anything going wrong after that is still a
 * 200 with an apology, because the app shows nothing else.
 */
export async function answerGlasses(ctx: PluginRouteContext) {
  const { organizationId, user } = ctx.plugin
  if (organizationId === null || !user) {
    return ctx.response
      .status(403)
      .json({ error: 'The token’s user is not a member of any organisation', field: null })
  }
  let request
  try {
    request = await readGlassesRequest({
      field: (name) => ctx.request.input(name),
      file: (name) => ctx.request.file(name),
    })
  } catch (error) {
    if (error instanceof GlassesRequestError) {
      return ctx.response.status(error.status).json({ error: error.message, field: error.field })
    }
    ctx.logger.warn({ error: (error as Error)?.message }, 'noa: unreadable glasses request')
    return ctx.response.status(400).json({ error: 'The request could not be read', field: null })
  }
  try {
    return ctx.response.json(
      await new HandleGlassesRequest().execute({ organizationId, userId: user.id, request })
    )
  } catch (error) {
    // the message only: a query error would otherwise log the whole photo
    ctx.logger.error(
      { error: ((error as Error)?.message ?? String(error)).slice(0, 300) },
      'noa: the glasses exchange could not be completed'
    )
    const reply: GlassesReply = {
      user_prompt: request.typedPrompt ?? '',
      message: APOLOGY,
      debug: { topic_changed: false },
      image: null,
      audio: null,
    }
    return ctx.response.json(reply)
  }
}
