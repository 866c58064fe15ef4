import Membership from '#models/membership'
import type Organization from '#models/organization'
import db from '@adonisjs/lucid/services/db'
import { createUserWithPassword } from '#services/passwords'
import type User from '#models/user'
import ConfirmTotpEnrolment from '#actions/auth/confirm_totp_enrolment'
import StartTotpEnrolment from '#actions/auth/start_totp_enrolment'
import type { RoleName } from '#services/authorization'
import { CLI_META } from '#services/audit'
import { totp } from '#services/totp'
import { createOrganization } from '#tests/helpers/factories'

export const STRONG_PASSWORD = 'Marble-Harbour-Kettle-93'

/**
 * Tests use the code of the previous 30-second step to enrol and the
 * current one to sign in. Near the end of a step the clock could move on
 * in between and push the first code out of the ±1 window, so wait for a
 * fresh step instead of failing by chance.
 */
export async function awaitFreshTotpStep(margin = 5_000) {
  const intoStep = Date.now() % 30_000
  if (intoStep > 30_000 - margin) {
    await new Promise((resolve) => setTimeout(resolve, 30_000 - intoStep + 50))
  }
}

let sequence = 0

export type TestAccount = {
  user: User
  email: string
  password: string
  totpSecret: string | null
  recoveryCodes: string[]
  organization: Organization
  membership: Membership
}

/**
 * A user with a membership and, unless told otherwise, a confirmed TOTP
 * factor enrolled through the real actions. The enrolment consumed the
 * code of the step before now, so sign-in tests can use the current one.
 */
export async function createAccount(
  options: {
    role?: RoleName
    organization?: Organization
    withTotp?: boolean
    superuser?: boolean
    email?: string
  } = {}
): Promise<TestAccount> {
  sequence += 1
  const email = options.email ?? `person${sequence}.${Date.now().toString(36)}@example.org`
  const organization = options.organization ?? (await createOrganization())
  const fullName = `Person ${sequence}`
  const user = await db.transaction((trx) =>
    createUserWithPassword(
      { email, password: STRONG_PASSWORD, fullName, isSuperuser: options.superuser ?? false },
      trx
    )
  )
  const membership = await Membership.create({
    organizationId: organization.id,
    userId: user.id,
    role: options.role ?? 'member',
  })
  let totpSecret: string | null = null
  let recoveryCodes: string[] = []
  if (options.withTotp !== false) {
    await awaitFreshTotpStep()
    const enrolment = await new StartTotpEnrolment().execute(user)
    totpSecret = enrolment.secret
    const confirmed = await new ConfirmTotpEnrolment().execute({
      user,
      factorPublicId: enrolment.factor.publicId,
      code: totp.codeAt(enrolment.secret, Date.now() - 30_000),
      meta: CLI_META,
    })
    recoveryCodes = confirmed.recoveryCodes
  }
  return {
    user,
    email,
    password: STRONG_PASSWORD,
    totpSecret,
    recoveryCodes,
    organization,
    membership,
  }
}
