/**
 * The checks every assistant question passes before it reaches the
 * knowledge base or a model: not empty, not too long, no prompt-injection
 * markers, no topic the organisation blocked. They are plain pattern
 * checks, cheap enough to run on every question, and they apply even
 * when the base is empty.
 */

export type SafetyRefusal = {
  reason: 'empty' | 'too_long' | 'prompt_injection' | 'blocked_topic'
  message: string
}

export type SafetyPolicy = {
  maxQuestionLength: number
  blockedTopics: string[]
}

/**
 * Phrases that try to take over the assistant rather than ask it
 * something. Each is matched case-insensitively on word boundaries, so
 * "how do I act on a customer complaint" or "the system: overview page"
 * in the middle of a sentence pass, while "ignore all previous
 * instructions" does not. Keep the list small and tested
 * (tests/knowledge/safety.spec.ts has a positive and a negative example
 * per family).
 */
export const PROMPT_INJECTION_PATTERNS: ReadonlyArray<{ family: string; pattern: RegExp }> = [
  {
    family: 'override instructions',
    pattern:
      /\b(ignore|disregard|forget|override|bypass|skip)\b[\s\w,'-]{0,40}?\b(previous|prior|above|earlier|preceding|all|your|the|any)\b[\s\w,'-]{0,20}?\b(instructions?|prompts?|rules?|directives?|guidelines?|context|messages?)\b/i,
  },
  {
    family: 'reveal the prompt',
    pattern:
      /\b(reveal|show|print|repeat|display|output|tell me|leak|dump|what (is|are|was|were))\b[\s\w,'-]{0,30}?\b(system|hidden|initial|original|secret)\s+(prompt|instructions?|message|rules)\b/i,
  },
  {
    family: 'role play takeover',
    pattern:
      /\b(you are now|from now on,? you|act as (an? )?(unrestricted|unfiltered|evil|different|new)|pretend (to be|you are)|roleplay as|role-play as)\b/i,
  },
  {
    family: 'jailbreak',
    pattern: /\b(jailbreak|jailbroken|do anything now|developer mode (enabled|on))\b/i,
  },
  // case-sensitive: "DAN" the jailbreak persona, not Dan the colleague
  { family: 'jailbreak', pattern: /\bDAN\b/ },
  {
    family: 'chat markup',
    pattern: /<\|?\s*(im_start|im_end|system|endoftext|assistant)\s*\|?>|\[\/?INST\]|<<\/?SYS>>/i,
  },
  {
    family: 'role prefix',
    pattern: /(^|\n)\s*(system|assistant|developer)\s*:/i,
  },
  {
    // long base64 runs smuggle instructions past the other checks
    family: 'encoded payload',
    pattern: /(?:[A-Za-z0-9+/]{4}){16,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?/,
  },
]

const MESSAGES: Record<SafetyRefusal['reason'], string> = {
  empty: 'Please ask a question.',
  too_long: 'That question is too long. Please ask it in fewer words.',
  prompt_injection: 'I can only answer questions. I cannot change my instructions or reveal them.',
  blocked_topic: 'I am not able to help with that topic.',
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A blocked topic matches as a whole word or phrase, whatever the spacing and case. */
export function mentionsTopic(question: string, topic: string): boolean {
  const words = topic.trim().split(/\s+/).filter(Boolean).map(escapeRegExp)
  if (words.length === 0) return false
  return new RegExp(`(^|[^\\p{L}\\p{N}])${words.join('\\s+')}($|[^\\p{L}\\p{N}])`, 'iu').test(
    question
  )
}

export function looksLikePromptInjection(question: string): boolean {
  return PROMPT_INJECTION_PATTERNS.some(({ pattern }) => pattern.test(question))
}

/** The first check the question fails, or null when it may be answered. */
export function checkQuestionSafety(question: string, policy: SafetyPolicy): SafetyRefusal | null {
  const text = question.trim()
  const refuse = (reason: SafetyRefusal['reason']) => ({ reason, message: MESSAGES[reason] })
  if (text.length === 0) return refuse('empty')
  if (text.length > policy.maxQuestionLength) return refuse('too_long')
  if (looksLikePromptInjection(text)) return refuse('prompt_injection')
  if (policy.blockedTopics.some((topic) => mentionsTopic(text, topic))) {
    return refuse('blocked_topic')
  }
  return null
}
