import { TOKEN_ABILITY_NAMES } from '#services/token_abilities'
import vine from '@vinejs/vine'
import { MAX_PASSWORD_LENGTH } from '#services/password_policy'
import { ROLE_NAMES } from '#services/authorization'

const email = () => vine.string().trim().email().maxLength(254)
/**
 * Length and strength are checked by the password policy, which gives
 * better messages; here only an upper bound against abuse.
 */
const newPassword = () => vine.string().maxLength(MAX_PASSWORD_LENGTH * 4)

export const signInValidator = vine.create({
  email: vine.string().trim().maxLength(254),
  password: vine.string().maxLength(1024),
})

export const secondFactorValidator = vine.create({
  code: vine.string().trim().minLength(6).maxLength(20),
})

export const reauthenticateValidator = vine.create({
  password: vine.string().maxLength(1024).optional(),
  code: vine.string().trim().maxLength(20).optional(),
})

export const acceptInviteValidator = vine.create({
  email: email(),
  fullName: vine.string().trim().minLength(1).maxLength(120),
  password: newPassword().confirmed({ confirmationField: 'passwordConfirmation' }),
})

export const forgotPasswordValidator = vine.create({
  email: vine.string().trim().maxLength(254),
})

export const resetPasswordValidator = vine.create({
  password: newPassword().confirmed({ confirmationField: 'passwordConfirmation' }),
})

export const changePasswordValidator = vine.create({
  currentPassword: vine.string().maxLength(1024),
  password: newPassword().confirmed({ confirmationField: 'passwordConfirmation' }),
})

export const profileValidator = vine.create({
  fullName: vine.string().trim().maxLength(120).optional(),
  email: email(),
  marketingConsent: vine.boolean().optional(),
})

export const inviteValidator = vine.create({
  email: email(),
  role: vine.enum(ROLE_NAMES),
})

export const changeRoleValidator = vine.create({
  role: vine.enum(ROLE_NAMES),
})

export const createTokenValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(80),
  abilities: vine.array(vine.enum(TOKEN_ABILITY_NAMES)).minLength(1).optional(),
  expiresInDays: vine.number().withoutDecimals().min(1).max(365).optional(),
})

export const switchOrganizationValidator = vine.create({
  organization: vine.string().trim().maxLength(32),
})

export const auditFiltersValidator = vine.create({
  event: vine.string().trim().maxLength(60).optional(),
  actor: vine.string().trim().maxLength(32).optional(),
  from: vine
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: vine
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  page: vine.number().withoutDecimals().min(1).max(100_000).optional(),
})

export const completeSignupValidator = vine.create({
  fullName: vine.string().trim().minLength(1).maxLength(120),
  organizationName: vine.string().trim().minLength(2).maxLength(120),
  password: newPassword().confirmed({ confirmationField: 'passwordConfirmation' }),
})
