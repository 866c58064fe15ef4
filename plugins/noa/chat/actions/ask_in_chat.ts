import AnswerQuestion from '../answer_question.js'
import type { InlineImage } from '../conversation.js'
import type Thread from '../thread.js'
import { finishReply, startExchange, turnsBefore } from '../threads.js'

/**
 * A question typed in the web chat, perhaps with a photo. With
 * `streamed`, the reply is left pending for StreamReply (the page shows
 * it as it is generated); without (a browser without JavaScript), the
 * reply is produced now.
 */
export default class AskInChat {
  async execute(input: {
    organizationId: number
    userId: number
    thread: Thread | null
    prompt: string
    /** a photo for the vision model, kept with the question */
    image?: InlineImage | null
    streamed: boolean
  }) {
    const exchange = await startExchange(input)
    if (input.streamed) return exchange
    const answer = await new AnswerQuestion().execute({
      organizationId: input.organizationId,
      channel: 'web',
      prompt: input.prompt,
      image: input.image ?? null,
      history: await turnsBefore(exchange.thread.id, exchange.question.id),
    })
    await finishReply(exchange.reply, answer)
    return exchange
  }
}
