import { unlink } from 'node:fs/promises'
import { escapeHtml, type PluginRouteContext } from '#plugin-sdk'
import AskInChat from '../chat/actions/ask_in_chat.js'
import DeleteThread from '../chat/actions/delete_thread.js'
import ListThreads from '../chat/actions/list_threads.js'
import ShowThread from '../chat/actions/show_thread.js'
import StreamReply from '../chat/actions/stream_reply.js'
import Message from '../chat/message.js'
import { PhotoRefused, readChatPhoto } from '../chat/photo.js'
import type Thread from '../chat/thread.js'
import { findOwnThread } from '../chat/threads.js'
import { chatMessageValidator } from '../chat/validators.js'
import { MODELS_PATH } from './model_pages.js'
import { actor, afterWrite, notFound } from './respond.js'

export const CHAT_PATH = '/assistant'

export const threadPath = (publicId: string) => `${CHAT_PATH}/threads/${publicId}`

/** GET /assistant: the user's conversations and a new chat */
export async function showChat(ctx: PluginRouteContext) {
  const threads = await new ListThreads().execute(actor(ctx))
  return ctx.view.render('noa::chat/index', {
    threads,
    current: null,
    threadPath,
    section: 'chat',
  })
}

/** what the send form shows again after a refused photo */
type FormState = { photoError?: string; typedMessage?: string }

/** GET /assistant/threads/:thread: one conversation (the owner's only) */
export async function showThread(ctx: PluginRouteContext) {
  const shown = await new ShowThread().execute({
    ...actor(ctx),
    threadId: String(ctx.params.thread),
  })
  if (!shown) return notFound(ctx)
  return renderThread(ctx, shown)
}

async function renderThread(
  ctx: PluginRouteContext,
  shown: { thread: Thread; messages: Message[] },
  form: FormState = {}
) {
  const threads = await new ListThreads().execute(actor(ctx))
  return ctx.view.render('noa::chat/thread', {
    threads,
    current: shown.thread,
    messages: shown.messages,
    threadPath,
    section: 'chat',
    ...form,
  })
}

/**
 * The photo attached to the send form (a multipart post), if any. The
 * upload's temporary file is removed once read: the photo is kept with
 * the question in the database.
 */
async function attachedPhoto(ctx: PluginRouteContext) {
  try {
    return await readChatPhoto(ctx.request.file('photo'))
  } finally {
    const parts = Object.values(ctx.request.allFiles()).flat()
    await Promise.all(
      parts.map((part) => (part.tmpPath ? unlink(part.tmpPath).catch(() => {}) : null))
    )
  }
}

/**
 * A refused photo: the form comes back with the error under the photo
 * field and the question as typed (htmx: the form alone, out of band).
 */
async function refusePhoto(
  ctx: PluginRouteContext,
  error: PhotoRefused,
  typedMessage: string,
  thread: Thread | null
) {
  ctx.response.status(error.status)
  const form = { photoError: error.message, typedMessage }
  if (thread && ctx.htmx.wantsPartial) {
    return ctx.view.render('noa::chat/partials/form', {
      current: thread,
      threadPath,
      oob: true,
      ...form,
    })
  }
  if (thread) {
    const shown = await new ShowThread().execute({ ...actor(ctx), threadId: thread.publicId })
    return renderThread(ctx, shown!, form)
  }
  const threads = await new ListThreads().execute(actor(ctx))
  return ctx.view.render('noa::chat/index', {
    threads,
    current: null,
    threadPath,
    section: 'chat',
    ...form,
  })
}

/** the question's photo, or the refusal already answered */
async function photoOrRefusal(ctx: PluginRouteContext, message: string, thread: Thread | null) {
  try {
    return { image: await attachedPhoto(ctx) }
  } catch (error) {
    if (!(error instanceof PhotoRefused)) throw error
    return { refused: await refusePhoto(ctx, error, message, thread) }
  }
}

/**
 * POST /assistant/threads: a new conversation, perhaps with a photo
 * (multipart). With htmx the reply is streamed on the thread's page; a
 * plain form waits for the whole reply.
 */
export async function startThread(ctx: PluginRouteContext) {
  const { message } = await ctx.request.validateUsing(chatMessageValidator)
  const photo = await photoOrRefusal(ctx, message, null)
  if ('refused' in photo) return photo.refused
  const { thread } = await new AskInChat().execute({
    ...actor(ctx),
    thread: null,
    prompt: message,
    image: photo.image,
    streamed: ctx.htmx.isHtmx,
  })
  return afterWrite(ctx, threadPath(thread.publicId))
}

/**
 * POST /assistant/threads/:thread/messages: with htmx, answers with the
 * question and a reply that streams in (and a fresh form); a plain form
 * gets the page back with the whole reply.
 */
export async function sendMessage(ctx: PluginRouteContext) {
  const thread = await findOwnThread(
    ctx.plugin.organizationId!,
    ctx.plugin.user!.id,
    String(ctx.params.thread)
  )
  if (!thread) return notFound(ctx)
  const { message } = await ctx.request.validateUsing(chatMessageValidator)
  const photo = await photoOrRefusal(ctx, message, thread)
  if ('refused' in photo) return photo.refused
  const streamed = ctx.htmx.wantsPartial
  const exchange = await new AskInChat().execute({
    ...actor(ctx),
    thread,
    prompt: message,
    image: photo.image,
    streamed,
  })
  if (!streamed) return afterWrite(ctx, threadPath(thread.publicId))
  return ctx.view.render('noa::chat/partials/exchange', {
    current: thread,
    messages: [exchange.question, exchange.reply],
    threadPath,
  })
}

/** one SSE event; each line of the data gets its own "data:" field */
function sseEvent(event: string, data: string) {
  return `event: ${event}\n${data
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`
}

/**
 * GET /assistant/threads/:thread/stream: Server-Sent Events for the
 * htmx SSE extension. "delta" events carry escaped pieces of the reply
 * as the model writes them; "done" ends the stream (also sent at once
 * when nothing is pending, so a reconnect does not start over).
 */
export async function streamThread(ctx: PluginRouteContext) {
  const thread = await findOwnThread(
    ctx.plugin.organizationId!,
    ctx.plugin.user!.id,
    String(ctx.params.thread)
  )
  if (!thread) return notFound(ctx)
  ctx.response.header('content-type', 'text/event-stream; charset=utf-8')
  ctx.response.header('cache-control', 'no-cache, no-transform')
  ctx.response.header('x-accel-buffering', 'no')
  ctx.response.relayHeaders()
  const raw = ctx.response.response
  raw.writeHead(200)
  raw.flushHeaders()
  const reply = await new StreamReply().execute({
    organizationId: ctx.plugin.organizationId!,
    thread,
    onDelta: (text) => {
      if (!raw.writableEnded) raw.write(sseEvent('delta', escapeHtml(text)))
    },
  })
  if (reply?.status === 'failed' && !raw.writableEnded) {
    // the reply named the model and the failure; the page it points to is one click away
    raw.write(sseEvent('delta', ` <a href="${MODELS_PATH}">Open AI models</a>`))
  }
  if (!raw.writableEnded) raw.end(sseEvent('done', reply?.status ?? 'none'))
}

/** POST /assistant/threads/:thread/delete */
export async function deleteThread(ctx: PluginRouteContext) {
  const deleted = await new DeleteThread().execute({
    ...actor(ctx),
    threadId: String(ctx.params.thread),
  })
  if (!deleted) return notFound(ctx)
  return afterWrite(ctx, CHAT_PATH, { kind: 'success', message: 'Conversation deleted.' })
}

/** GET /assistant/messages/:message/image: a question's photo (glasses or web), to its owner only */
export async function messageImage(ctx: PluginRouteContext) {
  const id = Message.keyFromPublicId(String(ctx.params.message))
  const message =
    id === null
      ? null
      : await Message.query()
          .where('noa_messages.id', id)
          .whereNotNull('noa_messages.image_base64')
          .join('noa_threads', 'noa_threads.id', 'noa_messages.thread_id')
          .where('noa_threads.organization_id', ctx.plugin.organizationId!)
          .where('noa_threads.user_id', ctx.plugin.user!.id)
          .select('noa_messages.*')
          .first()
  if (!message?.imageBase64 || !message.imageType) return notFound(ctx)
  ctx.response.header('content-type', message.imageType)
  ctx.response.header('cache-control', 'private, max-age=3600')
  ctx.response.header('x-content-type-options', 'nosniff')
  return ctx.response.send(Buffer.from(message.imageBase64, 'base64'))
}
