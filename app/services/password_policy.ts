import { createRequire } from 'node:module'
import type { ZxcvbnFactory } from '@zxcvbn-ts/core'

/**
 * zxcvbn and its dictionaries (56 files, several MB of word lists
 * decompressed on import) are required on the first password check, not
 * at boot: a web process that only serves pages, and every worker, never
 * loads them. Required (their CommonJS build) so checks stay synchronous.
 */
const requireLazily = createRequire(import.meta.url)
type Zxcvbn = typeof import('@zxcvbn-ts/core')
type LanguageCommon = typeof import('@zxcvbn-ts/language-common')
let zxcvbn: { core: Zxcvbn; common: LanguageCommon } | undefined
function loadZxcvbn() {
  zxcvbn ??= {
    core: requireLazily('@zxcvbn-ts/core') as Zxcvbn,
    common: requireLazily('@zxcvbn-ts/language-common') as LanguageCommon,
  }
  return zxcvbn
}

/**
 * OWASP ASVS level 2 (V2.1): at least 12 characters, at least 64 allowed
 * (we allow 128), no composition rules, refuse breached or common
 * passwords. The upper bound keeps hashing cost predictable.
 */
export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 128

const TOO_SHORT = `Use at least ${MIN_PASSWORD_LENGTH} characters.`
const TOO_LONG = `Use at most ${MAX_PASSWORD_LENGTH} characters.`
const TOO_COMMON = 'This password is too common; choose another.'
const PERSONAL = 'Do not use your email address or name in your password.'
const PATTERN = 'Do not use a repeated character or a simple sequence such as 1234 or abcd.'
const TOO_GUESSABLE = 'This password is too easy to guess; make it longer or less predictable.'

/**
 * zxcvbn scores 0..4; 3 means "safely unguessable" against an offline
 * attack on a slow hash, the level its authors recommend requiring.
 */
const MIN_ZXCVBN_SCORE = 3

/**
 * Personal words shorter than this match too many unrelated passwords
 * ("al" in "always") to be worth refusing.
 */
const MIN_PERSONAL_WORD_LENGTH = 3

const TRAILING_DIGITS_AND_PUNCTUATION = /[\p{N}\p{P}\p{S}\s]+$/u

/**
 * Built on first use and kept for the life of the process: the lookup set
 * and zxcvbn's matchers each take tens of milliseconds to prepare, which
 * processes that never check a password (workers, most commands) should
 * not pay. (The dictionaries themselves are decompressed once, when required.)
 */
let commonPasswords: Set<string> | undefined
let strengthEstimator: ZxcvbnFactory | undefined

function isCommonPassword(candidate: string): boolean {
  commonPasswords ??= new Set(
    loadZxcvbn().common.dictionary['passwords-common'].map((password) => password.toLowerCase())
  )
  return commonPasswords.has(candidate)
}

function estimateScore(password: string, personalWords: string[]): number {
  if (!strengthEstimator) {
    const { core, common } = loadZxcvbn()
    strengthEstimator = new core.ZxcvbnFactory({
      dictionary: common.dictionary,
      graphs: common.adjacencyGraphs,
    })
  }
  return strengthEstimator.check(password, personalWords).score
}

/**
 * The problems with a proposed password, each a sentence the user can act
 * on; an empty list means the password is acceptable.
 */
export function passwordProblems(
  password: string,
  context: { email?: string | null; fullName?: string | null } = {}
): string[] {
  const problems: string[] = []
  const codePoints = [...password]

  if (codePoints.length < MIN_PASSWORD_LENGTH) problems.push(TOO_SHORT)
  if (codePoints.length > MAX_PASSWORD_LENGTH) problems.push(TOO_LONG)

  const lowered = password.toLowerCase()
  const withoutSuffix = lowered.replace(TRAILING_DIGITS_AND_PUNCTUATION, '')
  if (isCommonPassword(lowered) || (withoutSuffix !== '' && isCommonPassword(withoutSuffix))) {
    problems.push(TOO_COMMON)
  }

  const personalWords = personalWordsOf(context)
  if (personalWords.some((word) => lowered.includes(word))) {
    problems.push(PERSONAL)
  }

  if (isRepeatedCharacter(codePoints) || isSimpleSequence(lowered)) {
    problems.push(PATTERN)
  }

  // The estimate only adds something when no specific rule has fired; a
  // second, vaguer message for the same password would only confuse.
  if (problems.length === 0 && estimateScore(password, personalWords) < MIN_ZXCVBN_SCORE) {
    problems.push(TOO_GUESSABLE)
  }

  return problems
}

/**
 * The email's local part and each part of the name, lower-cased. Names
 * are split on anything that is not a letter or digit ("Anne-Marie
 * O'Neil" gives anne, marie, neil).
 */
function personalWordsOf(context: { email?: string | null; fullName?: string | null }): string[] {
  const words: string[] = []
  const email = context.email?.trim().toLowerCase()
  if (email) {
    const at = email.lastIndexOf('@')
    words.push(at === -1 ? email : email.slice(0, at))
  }
  const fullName = context.fullName?.trim().toLowerCase()
  if (fullName) {
    words.push(...fullName.split(/[^\p{L}\p{N}]+/u))
  }
  return words.filter((word) => [...word].length >= MIN_PERSONAL_WORD_LENGTH)
}

function isRepeatedCharacter(codePoints: string[]): boolean {
  return codePoints.length > 1 && codePoints.every((char) => char === codePoints[0])
}

/**
 * Consecutive digits or letters stepping by one in a single direction,
 * wrapping around ("7890123", "xyzabc", "987654"): what people type when
 * a form insists on a length.
 */
function isSimpleSequence(lowered: string): boolean {
  const alphabet = /^\d+$/.test(lowered)
    ? '0123456789'
    : /^[a-z]+$/.test(lowered)
      ? 'abcdefghijklmnopqrstuvwxyz'
      : null
  if (!alphabet || lowered.length < 3) return false
  const positions = [...lowered].map((char) => alphabet.indexOf(char))
  const stepOf = (index: number) =>
    (positions[index] - positions[index - 1] + alphabet.length) % alphabet.length
  const step = stepOf(1)
  if (step !== 1 && step !== alphabet.length - 1) return false
  return positions.every((_, index) => index === 0 || stepOf(index) === step)
}
