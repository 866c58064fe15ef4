import vine from '@vinejs/vine'
import { isTimeZone } from '#services/insights/time_zone'
import { parseEnvironmentNames } from '#services/insights/production_environments'

/** environment names separated by commas: letters, digits, spaces, . _ - / (at most 20) */
const environmentsRule = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string' || parseEnvironmentNames(value) === null) {
    field.report(
      'List one to 20 environment names separated by commas (letters, digits, spaces, . _ - /).',
      'productionEnvironments',
      field
    )
  }
})

/** an IANA time zone name (Europe/Paris, Australia/Sydney, UTC) */
const timeZoneRule = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string' || !isTimeZone(value)) {
    field.report(
      'Choose a time zone from the list (an IANA name such as Europe/Paris).',
      'timeZone',
      field
    )
  }
})

/** a time of day, "HH:MM" (what <input type="time"> sends) */
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/

/** the working day ends after it starts, on the same day */
const endsAfterStartRule = vine.createRule((value, _options, field) => {
  const starts = (field.parent as Record<string, unknown>).workingDayStarts
  if (typeof value === 'string' && typeof starts === 'string' && value <= starts) {
    field.report(
      'The working day must end after it starts (the same day).',
      'endsAfterStart',
      field
    )
  }
})

/**
 * Query string of the organisation list.
 */
export const listOrganizationsValidator = vine.create({
  q: vine.string().trim().maxLength(100).optional(),
  page: vine.number().withoutDecimals().min(1).max(10_000).optional(),
})

/** the admin users list: one search text and a page, nothing nested or repeated */
export const listUsersValidator = vine.create({
  q: vine.string().trim().maxLength(100).optional(),
  page: vine.number().withoutDecimals().min(1).max(10_000).optional(),
})

export const organizationSettingsValidator = vine.create({
  name: vine.string().trim().minLength(2).maxLength(120),
  mfaRequired: vine.enum(['required', 'optional'] as const),
  timeZone: vine.string().trim().maxLength(64).use(timeZoneRule()).optional(),
  botPullRequests: vine.enum(['excluded', 'included'] as const).optional(),
  perPersonFigures: vine.enum(['hidden', 'shown'] as const).optional(),
  productionEnvironments: vine.string().trim().maxLength(1000).use(environmentsRule()).optional(),
  firstReviewHours: vine.enum(['calendar', 'working'] as const).optional(),
  workingDays: vine
    .array(vine.enum(['1', '2', '3', '4', '5', '6', '7'] as const))
    .minLength(1)
    .maxLength(7)
    .optional()
    .requiredIfExists('firstReviewHours'),
  workingDayStarts: vine
    .string()
    .trim()
    .regex(TIME_OF_DAY)
    .optional()
    .requiredIfExists('firstReviewHours'),
  workingDayEnds: vine
    .string()
    .trim()
    .regex(TIME_OF_DAY)
    .use(endsAfterStartRule())
    .optional()
    .requiredIfExists('firstReviewHours'),
})
