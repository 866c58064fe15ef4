import { findOwnThread } from '../threads.js'

/** deletes one of the user's threads and its messages; false when it is not theirs */
export default class DeleteThread {
  async execute(input: { organizationId: number; userId: number; threadId: string }) {
    const thread = await findOwnThread(input.organizationId, input.userId, input.threadId)
    if (!thread) return false
    await thread.delete()
    return true
  }
}
