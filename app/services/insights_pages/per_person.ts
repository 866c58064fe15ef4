import { Exception } from '@adonisjs/core/exceptions'

/**
 * Per-person figures (a count per contributor, a list narrowed to one
 * person) are off unless the organisation turns them on (Organisation
 * settings → Per-person figures, `organizations.per_person_figures`):
 * many teams do not want leaderboards (#25). Pages that would show them
 * say so instead; exports of them are refused.
 */
export const PER_PERSON_HIDDEN =
  'Per-person figures are hidden in this organisation (Organisation settings → Per-person figures).'

export function perPersonRefusal() {
  return new Exception(PER_PERSON_HIDDEN, { status: 403, code: 'E_PER_PERSON_FIGURES_HIDDEN' })
}

/** the filters of a list that single out one person */
export const PERSON_FILTERS = ['person', 'author'] as const

/** whether a list's query singles out one person */
export function narrowsToPerson(query: Record<string, unknown>) {
  return PERSON_FILTERS.some((name) => {
    const value = query[name]
    return typeof value === 'string' ? value.trim() !== '' : value !== undefined && value !== null
  })
}
