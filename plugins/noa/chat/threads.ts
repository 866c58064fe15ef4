import { db, sqlTime } from '#plugin-sdk'
import { DateTime } from 'luxon'
import Message from './message.js'
import Thread, { type ThreadSource } from './thread.js'
import { HISTORY_LIMIT, titleFrom, type ChatTurn, type InlineImage } from './conversation.js'
import type { Answer } from './answer_question.js'
import { modelTimeoutMs } from '../ai/models.js'
import { environment } from '../environment.js'

/** a glasses conversation idle for longer than this is over: the next question starts a thread */
export function glassesIdleMinutes() {
  return environment.get('NOA_THREAD_IDLE_MINUTES')
}

/** the user's glasses conversation still going on, if any */
export function currentGlassesThread(organizationId: number, userId: number) {
  const since = DateTime.now().minus({ minutes: glassesIdleMinutes() })
  return Thread.query()
    .where('organization_id', organizationId)
    .where('user_id', userId)
    .where('source', 'glasses')
    .where('last_message_at', '>=', sqlTime(since))
    .orderBy('last_message_at', 'desc')
    .orderBy('id', 'desc')
    .first()
}

/**
 * The columns a turn needs: never the stored photos (a glasses request
 * without `messages` read up to 20 of them, ~270 KB each, to use none).
 */
const TURN_COLUMNS = ['id', 'role', 'content'] as const

/** the thread's recent answered turns, oldest first, as the model reads them */
export async function threadTurns(threadId: number): Promise<ChatTurn[]> {
  const rows = await Message.query()
    .select(...TURN_COLUMNS)
    .where('thread_id', threadId)
    .where('status', 'ok')
    .orderBy('id', 'desc')
    .limit(HISTORY_LIMIT)
  return rows.reverse().map((row) => ({ role: row.role, content: row.content }))
}

/** one user's thread in one organisation; null for anyone else's */
export function findOwnThread(organizationId: number, userId: number, publicId: string) {
  const id = Thread.keyFromPublicId(publicId)
  if (id === null) return Promise.resolve(null)
  return Thread.query()
    .where('id', id)
    .where('organization_id', organizationId)
    .where('user_id', userId)
    .first()
}

export type ExchangeRecord = {
  organizationId: number
  userId: number
  /** the thread to append to; a new one is started when null */
  thread: Thread | null
  source: ThreadSource
  prompt: string
  image?: InlineImage | null
  location?: string | null
  localTime?: string | null
  answer: Answer
}

/**
 * Saves a question and its reply (or the apology and the error) together:
 * both messages in one multi-row INSERT (all or nothing, the question's
 * id first), starting the thread in the same transaction when needed.
 * An existing thread's last message time is moved after the messages are
 * stored: two statements, no transaction, and never a message-less bump.
 */
export async function saveExchange(record: ExchangeRecord) {
  const now = DateTime.now()
  const at = sqlTime(now)
  const rows = (threadId: number) => [
    {
      thread_id: threadId,
      role: 'user',
      content: record.prompt,
      image_base64: record.image?.base64 ?? null,
      image_type: record.image?.mime ?? null,
      location: record.location ?? null,
      local_time: record.localTime ?? null,
      status: 'ok',
      error: null,
      model_name: null,
      created_at: at,
      updated_at: at,
    },
    {
      thread_id: threadId,
      role: 'assistant',
      content: record.answer.message,
      image_base64: null,
      image_type: null,
      location: null,
      local_time: null,
      status: record.answer.ok ? 'ok' : 'failed',
      error: record.answer.error ?? null,
      model_name: record.answer.modelName ?? null,
      created_at: at,
      updated_at: at,
    },
  ]
  if (record.thread) {
    const thread = record.thread
    await db.table('noa_messages').multiInsert(rows(thread.id))
    await db
      .from('noa_threads')
      .where('id', thread.id)
      .update({ last_message_at: at, updated_at: at })
    thread.lastMessageAt = now
    return { thread }
  }
  return db.transaction(async (trx) => {
    const thread = new Thread().fill({
      organizationId: record.organizationId,
      userId: record.userId,
      source: record.source,
      title: titleFrom(record.prompt),
      lastMessageAt: now,
    })
    thread.useTransaction(trx)
    await thread.save()
    await trx.table('noa_messages').multiInsert(rows(thread.id))
    return { thread }
  })
}

/** the thread's answered turns before a message, oldest first */
export async function turnsBefore(threadId: number, messageId: number): Promise<ChatTurn[]> {
  const rows = await Message.query()
    .select(...TURN_COLUMNS)
    .where('thread_id', threadId)
    .where('status', 'ok')
    .where('id', '<', messageId)
    .orderBy('id', 'desc')
    .limit(HISTORY_LIMIT)
  return rows.reverse().map((row) => ({ role: row.role, content: row.content }))
}

/**
 * The web chat's first half of an exchange: the question (with its
 * photo), and an empty reply marked pending that the stream then fills in.
 */
export async function startExchange(input: {
  organizationId: number
  userId: number
  thread: Thread | null
  prompt: string
  image?: InlineImage | null
}) {
  return db.transaction(async (trx) => {
    const thread =
      input.thread ??
      new Thread().fill({
        organizationId: input.organizationId,
        userId: input.userId,
        source: 'web',
        title: titleFrom(input.prompt),
      })
    thread.useTransaction(trx)
    thread.lastMessageAt = DateTime.now()
    await thread.save()
    const question = await Message.create(
      {
        threadId: thread.id,
        role: 'user',
        content: input.prompt,
        imageBase64: input.image?.base64 ?? null,
        imageType: input.image?.mime ?? null,
        status: 'ok',
      },
      { client: trx }
    )
    const reply = await Message.create(
      { threadId: thread.id, role: 'assistant', content: '', status: 'pending' },
      { client: trx }
    )
    return { thread, question, reply }
  })
}

/**
 * Takes a pending reply for one stream: a second stream of the same
 * reply (a reconnecting browser) finds it already taken. A reply left
 * "streaming" for longer than a model call may take belongs to a stream
 * that died with its process: it is taken again.
 */
export async function claimPendingReply(threadId: number) {
  const abandoned = sqlTime(DateTime.now().minus({ milliseconds: 2 * modelTimeoutMs() }))
  const claimable = (query: any) =>
    query
      .where('status', 'pending')
      .orWhere((stale: any) =>
        stale.where('status', 'streaming').where('updated_at', '<', abandoned)
      )
  const pending = await Message.query()
    .where('thread_id', threadId)
    .where('role', 'assistant')
    .where(claimable)
    .orderBy('id')
    .first()
  if (!pending) return null
  const claimed = await db
    .from('noa_messages')
    .where('id', pending.id)
    .where(claimable)
    .update({ status: 'streaming', updated_at: sqlTime() })
  const count = Number(Array.isArray(claimed) ? claimed[0] : claimed)
  return count === 1 ? pending : null
}

export async function finishReply(reply: Message, answer: Answer) {
  reply.merge({
    content: answer.message,
    status: answer.ok ? 'ok' : 'failed',
    error: answer.error,
    modelName: answer.modelName,
  })
  await reply.save()
}
