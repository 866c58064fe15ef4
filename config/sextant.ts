import env from '#start/env'
import app from '@adonisjs/core/services/app'

/**
 * Settings that belong to Sextant itself rather than to a framework
 * package.
 */
/**
 * Secure, "__Host-" prefixed cookies need HTTPS: on by default in
 * production.
 */
export const secureCookies = env.get('SESSION_SECURE_COOKIE', app.inProduction)

const sextantConfig = {
  auth: {
    idleTimeout: env.get('SESSION_IDLE_TIMEOUT', '30m'),
    maxLifetime: env.get('SESSION_MAX_LIFETIME', '12h'),
    /**
     * A password-verified session that has not passed the second factor
     * may only finish signing in, and only for this long.
     */
    pendingMfaTimeout: '5m',
    /**
     * Sensitive actions need a password or TOTP check this recent.
     */
    reauthWindow: '10m',
    /**
     * "invite": accounts only from invitations. "open": anyone may create
     * an organisation, after confirming their email address.
     */
    signupMode: env.get('SIGNUP_MODE', 'invite') as 'invite' | 'open',
    passwordHistorySize: env.get('PASSWORD_HISTORY_SIZE', 5),
    inviteLifetime: '7d',
    passwordResetLifetime: '1h',
    recoveryCodeCount: 10,
    adminPath: env.get('ADMIN_PATH', '/admin-sextant-dev'),
  },
  maintenance: {
    /**
     * "node ace down" creates this file and "node ace up" removes it. An
     * operator can do the same by hand (for example by renaming
     * "maintenance.enabled.not").
     */
    flagFile: app.makePath('maintenance.enabled'),
    retryAfterSeconds: env.get('MAINTENANCE_RETRY_AFTER', 300),
  },
  publicIds: {
    /**
     * The Sqids alphabet; each model kind gets its own deterministic
     * shuffle of it, so the same key in two tables gives two unrelated
     * public ids. Changing it changes every public URL: set it once.
     */
    alphabet: env.get(
      'PUBLIC_ID_ALPHABET',
      'k3G7QAe51FCsPW92uEOyq4Bg6Sp8YzVTmnU0liwDdHXLajZrfxNhobJIRcMvKt'
    ),
    minLength: env.get('PUBLIC_ID_MIN_LENGTH', 8),
    /**
     * This installation's own shuffle of the alphabet (see .env.example);
     * without it, the published one, so existing URLs never break.
     */
    secret: env.get('PUBLIC_ID_SECRET') || null,
  },
  dataLifecycle: {
    /**
     * An organisation deletion asked for in the admin area runs within the
     * request up to this many rows, in a queue worker above it.
     */
    inlineRows: 5000,
  },
}

export default sextantConfig
