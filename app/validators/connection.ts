import vine from '@vinejs/vine'

/**
 * The base URL override of a connect form (self-hosted editions). Empty
 * means the plugin's default; hosts without a TLD (an intranet name,
 * 127.0.0.1) are allowed.
 */
export const connectionBaseUrlValidator = vine.create({
  baseUrl: vine
    .string()
    .trim()
    .maxLength(512)
    .url({ require_protocol: true, protocols: ['http', 'https'], require_tld: false })
    .optional(),
})

/**
 * What an OAuth provider sends back to the callback: a code, or an error,
 * and always the state we gave it.
 */
export const oauthCallbackValidator = vine.create({
  state: vine.string().trim().maxLength(200).optional(),
  code: vine.string().trim().maxLength(4096).optional(),
  error: vine.string().trim().maxLength(200).optional(),
  error_description: vine.string().trim().maxLength(1000).optional(),
})

/** the accounts a member ticked among those an OAuth authorisation reaches */
export const accountChoiceValidator = vine.create({
  accounts: vine.array(vine.string().trim().maxLength(191)).maxLength(200).optional(),
})
