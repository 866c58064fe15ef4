import { SignupRequestSchema } from '#database/schema'

/**
 * An emailed invitation to create a new organisation (open sign-up).
 */
export default class SignupRequest extends SignupRequestSchema {}
