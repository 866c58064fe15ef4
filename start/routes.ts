/*
|--------------------------------------------------------------------------
| Routes
|--------------------------------------------------------------------------
|
| Route parameters that name a record always carry its public id. Every
| route here is protected unless it is listed in
| tests/fixtures/public_routes.json, which a test keeps honest.
|
*/
import router from '@adonisjs/core/services/router'
import { controllers } from '#generated/controllers'
import sextantConfig from '#config/sextant'
import { middleware, web } from '#start/kernel'

/**
 * Probes for load balancers and orchestrators: no session, no cookie.
 */
router.get('/health', [controllers.Health, 'live']).as('health.live')
router.get('/health/ready', [controllers.Health, 'ready']).as('health.ready')

/**
 * Signing in, signing up from an invitation, resetting a password.
 */
router
  .group(() => {
    router.get('/sign-in', [controllers.auth.Session, 'create']).as('sign_in')
    router.post('/sign-in', [controllers.auth.Session, 'store']).as('sign_in.store')
    router.get('/invitations/:token', [controllers.auth.Invitations, 'show']).as('invitations.show')
    router
      .post('/invitations/:token', [controllers.auth.Invitations, 'accept'])
      .as('invitations.accept')
    router.get('/sign-up', [controllers.auth.Signup, 'create']).as('sign_up')
    router.post('/sign-up', [controllers.auth.Signup, 'store']).as('sign_up.store')
    router.get('/sign-up/:token', [controllers.auth.Signup, 'edit']).as('sign_up.edit')
    router.post('/sign-up/:token', [controllers.auth.Signup, 'update']).as('sign_up.update')
    router.get('/password/forgot', [controllers.auth.PasswordReset, 'forgot']).as('password.forgot')
    router
      .post('/password/forgot', [controllers.auth.PasswordReset, 'sendLink'])
      .as('password.send_link')
    router
      .get('/password/reset/:token', [controllers.auth.PasswordReset, 'edit'])
      .as('password.reset')
    router
      .post('/password/reset/:token', [controllers.auth.PasswordReset, 'update'])
      .as('password.update')
  })
  .use([...web(), middleware.guest()])

/**
 * The second step of signing in (a pending, password-verified session),
 * and signing out (any state).
 */
router
  .group(() => {
    router.get('/sign-in/mfa', [controllers.auth.MfaChallenge, 'show']).as('mfa.challenge')
    router.post('/sign-in/mfa', [controllers.auth.MfaChallenge, 'verify']).as('mfa.verify')
    router.get('/mfa/setup', [controllers.auth.MfaSetup, 'show']).as('mfa.setup')
    router.post('/mfa/setup', [controllers.auth.MfaSetup, 'confirm']).as('mfa.confirm')
    router
      .get('/sign-in/passkey/options', [controllers.auth.Passkeys, 'signInOptions'])
      .as('passkeys.sign_in_options')
    router.post('/sign-in/passkey', [controllers.auth.Passkeys, 'signIn']).as('passkeys.sign_in')
    router.post('/sign-out', [controllers.auth.Session, 'destroy']).as('sign_out')
  })
  .use(web())

/**
 * The application, for fully signed-in users.
 */
router
  .group(() => {
    router.get('/', [controllers.Home, 'index']).as('home')
    router.get('/organizations', [controllers.Organizations, 'index']).as('organizations.index')
    router
      .post('/organizations/switch', [controllers.Organizations, 'switch'])
      .as('organizations.switch')
    router
      .get('/organizations/:organization', [controllers.Organizations, 'show'])
      .as('organizations.show')

    router.get('/reauthenticate', [controllers.auth.Reauthenticate, 'show']).as('reauthenticate')
    router
      .post('/reauthenticate', [controllers.auth.Reauthenticate, 'store'])
      .as('reauthenticate.store')

    router
      .get('/mfa/recovery-codes', [controllers.auth.RecoveryCodes, 'show'])
      .as('recovery_codes.show')
    router
      .get('/mfa/recovery-codes.txt', [controllers.auth.RecoveryCodes, 'download'])
      .as('recovery_codes.download')
    router
      .post('/mfa/recovery-codes/saved', [controllers.auth.RecoveryCodes, 'acknowledge'])
      .as('recovery_codes.saved')

    router
      .get('/settings/security', [controllers.settings.Security, 'show'])
      .as('settings.security')
    router
      .get('/settings/sessions', [controllers.settings.Sessions, 'index'])
      .as('settings.sessions')
    router
      .post('/settings/sessions/revoke-others', [controllers.settings.Sessions, 'revokeOthers'])
      .as('settings.sessions.revoke_others')
    router
      .post('/settings/sessions/:session/revoke', [controllers.settings.Sessions, 'revoke'])
      .as('settings.sessions.revoke')
    router.get('/settings/tokens', [controllers.settings.Tokens, 'index']).as('settings.tokens')
    router
      .post('/settings/marketing-consent', [controllers.settings.MarketingConsent, 'update'])
      .as('settings.marketing_consent')
    router
      .post('/settings/tokens/:token/revoke', [controllers.settings.Tokens, 'destroy'])
      .as('settings.tokens.revoke')

    router.get('/settings/members', [controllers.settings.Members, 'index']).as('settings.members')
    router
      .post('/settings/members/invites', [controllers.settings.Members, 'invite'])
      .as('settings.members.invite')
    router
      .post('/settings/members/invites/:invite/revoke', [
        controllers.settings.Members,
        'revokeInvite',
      ])
      .as('settings.members.revoke_invite')
    router
      .post('/settings/members/:membership/role', [controllers.settings.Members, 'changeRole'])
      .as('settings.members.role')
    router
      .post('/settings/members/:membership/remove', [controllers.settings.Members, 'remove'])
      .as('settings.members.remove')
    router.get('/settings/audit', [controllers.settings.Audit, 'index']).as('settings.audit')
    router
      .get('/settings/organization', [controllers.settings.OrganizationSettings, 'show'])
      .as('settings.organization')
    router
      .get('/settings/ai-code-policy', [controllers.settings.AiCodePolicy, 'show'])
      .as('settings.ai_code_policy')
    router
      .post('/settings/ai-code-policy', [controllers.settings.AiCodePolicy, 'update'])
      .as('settings.ai_code_policy.update')

    /**
     * Changes that need a fresh password or TOTP check.
     */
    router
      .group(() => {
        router
          .post('/settings/password', [controllers.settings.Security, 'changePassword'])
          .as('settings.password')
        router
          .post('/settings/profile', [controllers.settings.Security, 'updateProfile'])
          .as('settings.profile')
        router
          .post('/settings/recovery-codes', [controllers.auth.RecoveryCodes, 'regenerate'])
          .as('settings.recovery_codes')
        router
          .post('/settings/tokens', [controllers.settings.Tokens, 'store'])
          .as('settings.tokens.store')
        router
          .post('/settings/organization', [controllers.settings.OrganizationSettings, 'update'])
          .as('settings.organization.update')
        router
          .get('/settings/passkeys/options', [controllers.auth.Passkeys, 'registrationOptions'])
          .as('passkeys.options')
        router
          .post('/settings/passkeys', [controllers.auth.Passkeys, 'register'])
          .as('passkeys.register')
        router
          .post('/settings/passkeys/:factor/remove', [controllers.auth.Passkeys, 'remove'])
          .as('passkeys.remove')
      })
      .use(middleware.recentAuth())
  })
  .use([...web(), middleware.auth()])

/**
 * The superuser area, at a path that is not advertised.
 */
router
  .group(() => {
    router
      .get('/', ({ response }) => response.redirect(`${sextantConfig.auth.adminPath}/users`))
      .as('admin.home')
    router.get('/users', [controllers.admin.Admin, 'users']).as('admin.users')
    router.post('/users/:user/lock', [controllers.admin.Admin, 'lock']).as('admin.users.lock')
    router.post('/users/:user/unlock', [controllers.admin.Admin, 'unlock']).as('admin.users.unlock')
    router
      .post('/users/:user/reset-mfa', [controllers.admin.Admin, 'resetMfa'])
      .as('admin.users.reset_mfa')
    router
      .post('/users/:user/delete', [controllers.admin.Admin, 'destroy'])
      .as('admin.users.delete')
    router
      .get('/organizations', [controllers.admin.Admin, 'organizations'])
      .as('admin.organizations')
    router.get('/audit', [controllers.admin.Admin, 'audit']).as('admin.audit')
    router
      .group(() => {
        router
          .get('/organizations/:organization/delete-data', [
            controllers.admin.OrganizationData,
            'confirm',
          ])
          .as('admin.organizations.delete_data.confirm')
        router
          .post('/organizations/:organization/delete-data', [
            controllers.admin.OrganizationData,
            'destroy',
          ])
          .as('admin.organizations.delete_data')
        router
          .get('/organizations/:organization/delete', [
            controllers.admin.OrganizationData,
            'confirm',
          ])
          .as('admin.organizations.delete.confirm')
        router
          .post('/organizations/:organization/delete', [
            controllers.admin.OrganizationData,
            'destroy',
          ])
          .as('admin.organizations.delete')
        router
          .get('/users/:user/erase', [controllers.admin.UserErasure, 'confirm'])
          .as('admin.users.erase.confirm')
        router
          .post('/users/:user/erase', [controllers.admin.UserErasure, 'destroy'])
          .as('admin.users.erase')
      })
      .use(middleware.recentAuth())
  })
  .prefix(sextantConfig.auth.adminPath)
  .use([...web(), middleware.auth(), middleware.superuser()])

/**
 * The token API.
 */
router
  .group(() => {
    router.get('/me', [controllers.api.Me, 'show']).as('api.me')
  })
  .prefix('/api/v1')
  .use(middleware.apiAuth())

/**
 * Connections, plugin routes and webhooks; the operations pages of the
 * admin area (jobs, schedules).
 */
await import('#start/routes/integrations')
await import('#start/routes/operations')
await import('#start/routes/admin_reference_data')
await import('#start/routes/admin_integrations')
await import('#start/routes/identity')
await import('#start/routes/teams')

/**
 * Evidence documents: pages, signed file links and the token API.
 */
await import('#start/routes/documents')
await import('#start/routes/insights')
await import('#start/routes/ai_code')
await import('#start/routes/agreements')
