import Message from '../message.js'
import { findOwnThread } from '../threads.js'

/** one of the user's threads with its messages; null when it is not theirs */
export default class ShowThread {
  async execute(input: { organizationId: number; userId: number; threadId: string }) {
    const thread = await findOwnThread(input.organizationId, input.userId, input.threadId)
    if (!thread) return null
    const messages = await Message.query().where('thread_id', thread.id).orderBy('id')
    return { thread, messages }
  }
}
