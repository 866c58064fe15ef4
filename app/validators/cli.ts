import { DateTime } from 'luxon'

/**
 * The arguments of ace commands, checked before a command runs: an
 * operator's typo must stop the command with one line and exit 1, never
 * reach a query (1e308 days turned into "Invalid DateTime" once, and
 * every deleted document was purged).
 */
export class CommandArgumentError extends Error {}

export type NumberBounds = { min: number; max: number }

/** what a number flag may hold unless its command says otherwise */
export const DEFAULT_NUMBER_BOUNDS: NumberBounds = { min: 0, max: 1_000_000 }

/** counts of things to create or send: at least one */
export const POSITIVE_COUNT: NumberBounds = { min: 1, max: 1_000_000 }

/**
 * A whole number within bounds; the message names the flag and the range.
 */
export function checkWholeNumber(name: string, value: unknown, bounds: NumberBounds) {
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < bounds.min ||
    value > bounds.max
  ) {
    throw new CommandArgumentError(
      `--${name} must be a whole number from ${bounds.min} to ${bounds.max} (got ${String(value)})`
    )
  }
  return value
}

type FlagDefinition = { name: string; flagName?: string; type: string }
type CommandClass = {
  commandName: string
  flags: FlagDefinition[]
  numberBounds?: Record<string, NumberBounds>
  defaultNumberBounds?: NumberBounds
}

/**
 * Every number flag a command was given, against the command's own
 * `static numberBounds` (by property name), its `static
 * defaultNumberBounds`, or the default range.
 */
export function checkNumberFlags(command: object) {
  const definition = command.constructor as unknown as CommandClass
  for (const flag of definition.flags ?? []) {
    if (flag.type !== 'number') continue
    const value = (command as Record<string, unknown>)[flag.name]
    if (value === undefined) continue
    const bounds = Object.hasOwn(definition.numberBounds ?? {}, flag.name)
      ? definition.numberBounds![flag.name]
      : (definition.defaultNumberBounds ?? DEFAULT_NUMBER_BOUNDS)
    checkWholeNumber(flag.flagName ?? flag.name, value, bounds)
  }
}

/**
 * A real calendar day written YYYY-MM-DD: 2026-02-30 and 0000-00-00 have
 * the shape and are still refused.
 */
export function checkCalendarDay(name: string, value: string) {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone: 'utc' }) : null
  if (!parsed?.isValid || parsed.year < 1970 || parsed.toISODate() !== value) {
    throw new CommandArgumentError(`--${name} "${value}" is not a calendar day (YYYY-MM-DD)`)
  }
  return value
}

/**
 * One of a known list; the message names every valid value.
 */
export function checkOneOf(name: string, value: string, allowed: readonly string[]) {
  if (!allowed.includes(value)) {
    throw new CommandArgumentError(
      `${name} "${value}" is unknown; use one of: ${allowed.join(', ') || 'none available'}`
    )
  }
  return value
}

/**
 * A boolean flag given a value ("--rollup=abc"): the parser reads it as
 * false without a word, so the command line itself is checked.
 */
export function checkBooleanFlags(command: object, argv: string[]) {
  const definition = command.constructor as unknown as CommandClass
  for (const flag of definition.flags ?? []) {
    if (flag.type !== 'boolean') continue
    const name = flag.flagName ?? flag.name
    for (const given of argv) {
      const value = given.startsWith(`--${name}=`) ? given.slice(name.length + 3) : null
      if (value !== null && value !== 'true' && value !== 'false') {
        throw new CommandArgumentError(`--${name} takes no value (got "${value}")`)
      }
    }
  }
}
