import { modelFailure } from '../ai/failures.js'
import { defaultModelFor, openAiClientFor } from '../ai/models.js'
import type { ChatTurn } from './conversation.js'

/** recognisable by the tests' fake provider, and short enough to cost little */
export const TOPIC_CLASSIFIER_PROMPT =
  'You classify conversation turns. Reply with exactly one word: NEW if the latest message ' +
  'starts a new topic unrelated to the conversation so far, SAME if it continues it.'

/**
 * How the decision was made: `none` (nothing to compare with), `cue` (the
 * prompt opens like a follow-up, no model asked), `model` (the chat
 * model's verdict), `fallback` (word overlap: no model, or no usable verdict)
 */
export type TopicDecision = { changed: boolean; method: 'none' | 'cue' | 'model' | 'fallback' }

const STOPWORDS = new Set(
  (
    'a an the and or but if of to in on at for with about from by is are was were be been am ' +
    'do does did what which who whom whose when where why how can could would should will shall ' +
    'may might must i me my you your we our us they them their he she his her it its this that ' +
    'these those there here please tell show give know let is not no yes some any more most much ' +
    "many than then so just also too very what's whats"
  ).split(/\s+/)
)

/** spoken fillers a transcript may open with before the cue ("Okay, and what about…") */
const FILLERS = String.raw`(?:(?:ok|okay|well|so|um+|uh+|hmm+|right|yes|yeah|no|thanks|thank you)[,.!]?\s+)*`

/**
 * Openers that can only continue what was said ("and what about…", "tell
 * me more", a pronoun standing for the subject): the same topic, decided
 * without the model. "This"/"that" are not among them (on the glasses
 * they often point at what the user is looking at), nor "why"/"so".
 */
const CLEAR_FOLLOW_UP = new RegExp(
  `^${FILLERS}(and|also|plus|what about|how about|what else|tell me more|more about|go on|again|` +
    `it|its|they|them|their|he|she|him|his|her)\\b`,
  'i'
)

/** the fallback's wider net: with no model's word, weaker cues also mean a follow-up */
const FOLLOW_UP =
  /^(and|also|what about|how about|why|it|that|this|those|they|them|he|she|more|then|so|again|tell me more)\b/i

/** true when the prompt opens with a cue that can only continue the conversation */
export function isClearFollowUp(prompt: string): boolean {
  return CLEAR_FOLLOW_UP.test(prompt.trim())
}

function contentWords(text: string) {
  return new Set(
    (text.toLowerCase().match(/[a-z0-9']+/g) ?? [])
      .map((word) => word.replace(/'s$/, ''))
      .filter((word) => word.length > 2 && !STOPWORDS.has(word))
  )
}

/**
 * The cheap fallback: a follow-up cue means the same topic; otherwise a
 * question sharing no content word with the recent turns is a new one.
 */
export function lexicalTopicChange(previous: ChatTurn[], prompt: string): boolean {
  if (FOLLOW_UP.test(prompt.trim())) return false
  const fresh = contentWords(prompt)
  if (fresh.size < 2) return false
  const recent = contentWords(
    previous
      .slice(-4)
      .map((turn) => turn.content)
      .join(' ')
  )
  for (const word of fresh) if (recent.has(word)) return false
  return true
}

function transcript(previous: ChatTurn[]) {
  return previous
    .slice(-6)
    .map((turn) => `${turn.role === 'user' ? 'User' : 'Assistant'}: ${turn.content.slice(0, 500)}`)
    .join('\n')
}

/**
 * Does the new prompt start a new topic? A clear follow-up cue decides
 * alone (no model call: that is most of a conversation on the glasses);
 * otherwise the organisation's chat model gives a one-word verdict; when
 * there is no model, or it fails or answers something else, word overlap
 * decides.
 */
export default class DetectTopicChange {
  async execute(input: {
    organizationId: number
    previous: ChatTurn[]
    prompt: string
  }): Promise<TopicDecision> {
    if (input.previous.length === 0 || input.prompt.trim() === '') {
      return { changed: false, method: 'none' }
    }
    if (isClearFollowUp(input.prompt)) return { changed: false, method: 'cue' }
    const model = await defaultModelFor(input.organizationId, 'chat')
    if (model) {
      try {
        const client = await openAiClientFor(model)
        const completion = await client.chat.completions.create({
          model: model.model,
          temperature: 0,
          max_tokens: 3,
          messages: [
            { role: 'system', content: TOPIC_CLASSIFIER_PROMPT },
            {
              role: 'user',
              content: `Conversation so far:\n${transcript(input.previous)}\n\nLatest message: ${input.prompt}`,
            },
          ],
        })
        const verdict = completion.choices[0]?.message?.content?.trim().toUpperCase() ?? ''
        if (/^NEW\b/.test(verdict)) return { changed: true, method: 'model' }
        if (/^SAME\b/.test(verdict)) return { changed: false, method: 'model' }
      } catch (error) {
        // an unreachable model must not stop the answer: log it, use the fallback
        modelFailure(error, 'topic detection', model)
      }
    }
    return { changed: lexicalTopicChange(input.previous, input.prompt), method: 'fallback' }
  }
}
