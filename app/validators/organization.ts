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
  productionEnvironments: vine.string().trim().maxLength(1000).use(environmentsRule()).optional(),
})
