import type { PluginRouteContext } from '#plugin-sdk'
import HandleGlassesRequest, { type GlassesReply } from './handle_glasses_request.js'
import { GlassesRequestError, readGlassesRequest } from './glasses_request.js'

/** the reply when something other than a model failed (the database, a bug): it is logged */
export const UNEXPECTED_FAILURE =
  'Sorry, something went wrong on the Sextant server while answering. Trying again may help; the server log says what happened.'

/**
 * Names the failure a 200 reply stands in for ("chat:http",
 * "transcription:timeout", "none:no_model", "internal"), for proxies,
 * monitors and anyone reading the exchange without the app.
 */
export const FAILURE_HEADER = 'X-Noa-Failure'

/**
 * POST /noa/mm (and AIUI's /mm/mm/): the Noa app's custom server. Token
 * authenticated by the platform (401 JSON before this runs), which reads
 * the multipart body only after that check and removes its temporary
 * files once the answer is sent. Bad input is a 4xx naming the field.
 * A failure after that (a model that fails, none configured) is a 200
 * whose `message` names the model and the failure, with X-Noa-Failure
 * set: the app discards the body of any other status and shows only
 * its reason phrase, so a 502 would hide what the user needs to know.
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
    const outcome = await new HandleGlassesRequest().execute({
      organizationId,
      userId: user.id,
      request,
    })
    if (outcome.failure) ctx.response.header(FAILURE_HEADER, outcome.failure)
    return ctx.response.json(outcome.reply)
  } catch (error) {
    // the message only: a query error would otherwise log the whole photo
    ctx.logger.error(
      { error: ((error as Error)?.message ?? String(error)).slice(0, 300) },
      'noa: the glasses exchange could not be completed'
    )
    ctx.response.header(FAILURE_HEADER, 'internal')
    const reply: GlassesReply = {
      user_prompt: request.typedPrompt ?? '',
      message: UNEXPECTED_FAILURE,
      debug: { topic_changed: false },
      image: null,
      audio: null,
    }
    return ctx.response.json(reply)
  }
}
