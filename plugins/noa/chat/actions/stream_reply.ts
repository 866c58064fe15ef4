import AnswerQuestion from '../answer_question.js'
import { inlineImageFromBase64 } from '../conversation.js'
import Message from '../message.js'
import type Thread from '../thread.js'
import { claimPendingReply, finishReply, turnsBefore } from '../threads.js'

/**
 * Produces the thread's pending reply, handing each piece to `onDelta`
 * as the model writes it, and saves it (or the apology and the error).
 * Returns null when there was nothing pending (already streamed).
 */
export default class StreamReply {
  async execute(input: {
    organizationId: number
    thread: Thread
    onDelta: (text: string) => void
  }): Promise<Message | null> {
    const reply = await claimPendingReply(input.thread.id)
    if (!reply) return null
    const question = await Message.query()
      .where('thread_id', input.thread.id)
      .where('role', 'user')
      .where('id', '<', reply.id)
      .orderBy('id', 'desc')
      .firstOrFail()
    const answer = await new AnswerQuestion().execute({
      organizationId: input.organizationId,
      channel: 'web',
      prompt: question.content,
      history: await turnsBefore(input.thread.id, question.id),
      image:
        question.imageBase64 && question.imageType
          ? inlineImageFromBase64(question.imageType, question.imageBase64)
          : null,
      onDelta: input.onDelta,
    })
    await finishReply(reply, answer)
    return reply
  }
}
