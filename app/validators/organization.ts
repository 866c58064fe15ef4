import vine from '@vinejs/vine'

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
})
