import QRCode from 'qrcode'
import { generateSecret, generateSync, generateURI, verifySync } from 'otplib'

/**
 * RFC 6238 parameters every authenticator app understands. Anything else
 * (SHA-256, 8 digits, 60 s) is silently ignored by some apps, which then
 * show codes that never match, so these are fixed rather than configurable.
 */
export const TOTP_PERIOD_SECONDS = 30
const DIGITS = 6
const ALGORITHM = 'sha1'
const SECRET_BYTES = 20

/**
 * One step either side absorbs clock drift and the seconds a person needs
 * to type the code, without widening the guessing window further.
 */
const TOLERATED_STEPS = 1

export type TotpVerification =
  { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replayed' }

const standardParameters = {
  algorithm: ALGORITHM,
  digits: DIGITS,
  period: TOTP_PERIOD_SECONDS,
} as const

export const totp = {
  /**
   * A random 160-bit secret (the size RFC 4226 recommends for SHA-1) as
   * 32 base32 characters without padding.
   */
  generateSecret(): string {
    return generateSecret({ length: SECRET_BYTES })
  },

  /**
   * The otpauth:// URI an authenticator app scans. The standard parameters
   * are spelled out even though they are the defaults: a few apps
   * misbehave when they are missing.
   */
  keyUri(input: { secret: string; accountName: string; issuer: string }): string {
    if (input.issuer.includes(':') || input.accountName.includes(':')) {
      // The label is "issuer:account"; a colon in either part makes it ambiguous.
      throw new TypeError('A TOTP issuer or account name cannot contain ":"')
    }
    const uri = generateURI({
      issuer: input.issuer,
      label: input.accountName,
      secret: input.secret,
      ...standardParameters,
    })
    const present = new URL(uri).searchParams
    const explicit = [
      ['algorithm', ALGORITHM.toUpperCase()],
      ['digits', String(DIGITS)],
      ['period', String(TOTP_PERIOD_SECONDS)],
    ].filter(([name]) => !present.has(name))
    return [uri, ...explicit.map(([name, value]) => `${name}=${value}`)].join('&')
  },

  /**
   * The URI as an SVG QR code, ready to embed in a page. Our CSP refuses
   * inline styles, so any style attribute is removed (qrcode currently
   * emits only presentation attributes such as fill and stroke).
   */
  async qrSvg(uri: string): Promise<string> {
    const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
    return embeddableSvg(svg)
  },

  /**
   * The code an authenticator shows at the given moment (milliseconds
   * since the epoch).
   */
  codeAt(secret: string, epochMs: number): string {
    return generateSync({ secret, epoch: Math.floor(epochMs / 1000), ...standardParameters })
  },

  /**
   * Checks a code typed by a person against the current step and one step
   * either side. The matching step is returned so the caller can store it
   * as lastUsedStep: a code of that step or an earlier one is refused as
   * replayed afterwards, which stops someone who watched the code being
   * typed from reusing it within its 90-second life.
   *
   * `now` is in milliseconds since the epoch (default: the current time).
   */
  verify(
    secret: string,
    code: string,
    options: { lastUsedStep?: number | null; now?: number } = {}
  ): TotpVerification {
    // Typed as a string, but it comes from a form: anything may arrive.
    const token = typeof code === 'string' ? code.replaceAll(/\s/g, '') : ''
    if (!new RegExp(`^\\d{${DIGITS}}$`).test(token)) {
      return { ok: false, reason: 'invalid' }
    }
    const lastUsedStep = options.lastUsedStep ?? null
    if (lastUsedStep !== null && (!Number.isSafeInteger(lastUsedStep) || lastUsedStep < 0)) {
      throw new TypeError(`lastUsedStep must be a non-negative integer, got ${lastUsedStep}`)
    }
    const epoch = Math.floor((options.now ?? Date.now()) / 1000)
    const matchAnyStep = {
      secret,
      token,
      epoch,
      epochTolerance: TOLERATED_STEPS * TOTP_PERIOD_SECONDS,
      ...standardParameters,
    }

    // otplib compares in constant time and, given afterTimeStep, skips the
    // steps already used. It refuses an afterTimeStep beyond the window,
    // in which case no step in the window can be fresh anyway.
    const latestStepInWindow = Math.floor(epoch / TOTP_PERIOD_SECONDS) + TOLERATED_STEPS
    if (lastUsedStep === null || lastUsedStep < latestStepInWindow) {
      const fresh = verifySync({ ...matchAnyStep, afterTimeStep: lastUsedStep ?? undefined })
      if (fresh.valid && 'timeStep' in fresh) {
        return { ok: true, step: fresh.timeStep }
      }
    }

    // A second pass without the replay bound tells a reused code (worth
    // reporting as such) apart from a wrong one.
    if (lastUsedStep !== null && verifySync(matchAnyStep).valid) {
      return { ok: false, reason: 'replayed' }
    }
    return { ok: false, reason: 'invalid' }
  },
}

/**
 * SVG markup fit to embed in a page under our CSP: without the XML
 * declaration and without style attributes (inline styles are refused).
 */
export function embeddableSvg(svg: string): string {
  return svg
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .replaceAll(/\s+style\s*=\s*(?:"[^"]*"|'[^']*')/g, '')
    .trim()
}
