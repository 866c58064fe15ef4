import '@adonisjs/core/types/http'

type ParamValue = string | number | bigint | boolean

export type ScannedRoutes = {
  ALL: {
    'health.live': { paramsTuple?: []; params?: {} }
    'health.ready': { paramsTuple?: []; params?: {} }
    'sign_in': { paramsTuple?: []; params?: {} }
    'sign_in.store': { paramsTuple?: []; params?: {} }
    'invitations.show': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'invitations.accept': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'sign_up': { paramsTuple?: []; params?: {} }
    'sign_up.store': { paramsTuple?: []; params?: {} }
    'sign_up.edit': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'sign_up.update': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'password.forgot': { paramsTuple?: []; params?: {} }
    'password.send_link': { paramsTuple?: []; params?: {} }
    'password.reset': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'password.update': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'mfa.challenge': { paramsTuple?: []; params?: {} }
    'mfa.verify': { paramsTuple?: []; params?: {} }
    'mfa.setup': { paramsTuple?: []; params?: {} }
    'mfa.confirm': { paramsTuple?: []; params?: {} }
    'passkeys.sign_in_options': { paramsTuple?: []; params?: {} }
    'passkeys.sign_in': { paramsTuple?: []; params?: {} }
    'sign_out': { paramsTuple?: []; params?: {} }
    'home': { paramsTuple?: []; params?: {} }
    'organizations.index': { paramsTuple?: []; params?: {} }
    'organizations.switch': { paramsTuple?: []; params?: {} }
    'organizations.show': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'reauthenticate': { paramsTuple?: []; params?: {} }
    'reauthenticate.store': { paramsTuple?: []; params?: {} }
    'recovery_codes.show': { paramsTuple?: []; params?: {} }
    'recovery_codes.download': { paramsTuple?: []; params?: {} }
    'recovery_codes.saved': { paramsTuple?: []; params?: {} }
    'settings.security': { paramsTuple?: []; params?: {} }
    'settings.sessions': { paramsTuple?: []; params?: {} }
    'settings.sessions.revoke_others': { paramsTuple?: []; params?: {} }
    'settings.sessions.revoke': { paramsTuple: [ParamValue]; params: {'session': ParamValue} }
    'settings.tokens': { paramsTuple?: []; params?: {} }
    'settings.tokens.revoke': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'settings.members': { paramsTuple?: []; params?: {} }
    'settings.members.invite': { paramsTuple?: []; params?: {} }
    'settings.members.revoke_invite': { paramsTuple: [ParamValue]; params: {'invite': ParamValue} }
    'settings.members.role': { paramsTuple: [ParamValue]; params: {'membership': ParamValue} }
    'settings.members.remove': { paramsTuple: [ParamValue]; params: {'membership': ParamValue} }
    'settings.audit': { paramsTuple?: []; params?: {} }
    'settings.organization': { paramsTuple?: []; params?: {} }
    'settings.password': { paramsTuple?: []; params?: {} }
    'settings.recovery_codes': { paramsTuple?: []; params?: {} }
    'settings.tokens.store': { paramsTuple?: []; params?: {} }
    'settings.organization.update': { paramsTuple?: []; params?: {} }
    'passkeys.options': { paramsTuple?: []; params?: {} }
    'passkeys.register': { paramsTuple?: []; params?: {} }
    'passkeys.remove': { paramsTuple: [ParamValue]; params: {'factor': ParamValue} }
    'admin.home': { paramsTuple?: []; params?: {} }
    'admin.users': { paramsTuple?: []; params?: {} }
    'admin.users.lock': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.users.unlock': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.users.reset_mfa': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.organizations': { paramsTuple?: []; params?: {} }
    'admin.audit': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
  }
  GET: {
    'health.live': { paramsTuple?: []; params?: {} }
    'health.ready': { paramsTuple?: []; params?: {} }
    'sign_in': { paramsTuple?: []; params?: {} }
    'invitations.show': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'sign_up': { paramsTuple?: []; params?: {} }
    'sign_up.edit': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'password.forgot': { paramsTuple?: []; params?: {} }
    'password.reset': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'mfa.challenge': { paramsTuple?: []; params?: {} }
    'mfa.setup': { paramsTuple?: []; params?: {} }
    'passkeys.sign_in_options': { paramsTuple?: []; params?: {} }
    'home': { paramsTuple?: []; params?: {} }
    'organizations.index': { paramsTuple?: []; params?: {} }
    'organizations.show': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'reauthenticate': { paramsTuple?: []; params?: {} }
    'recovery_codes.show': { paramsTuple?: []; params?: {} }
    'recovery_codes.download': { paramsTuple?: []; params?: {} }
    'settings.security': { paramsTuple?: []; params?: {} }
    'settings.sessions': { paramsTuple?: []; params?: {} }
    'settings.tokens': { paramsTuple?: []; params?: {} }
    'settings.members': { paramsTuple?: []; params?: {} }
    'settings.audit': { paramsTuple?: []; params?: {} }
    'settings.organization': { paramsTuple?: []; params?: {} }
    'passkeys.options': { paramsTuple?: []; params?: {} }
    'admin.home': { paramsTuple?: []; params?: {} }
    'admin.users': { paramsTuple?: []; params?: {} }
    'admin.organizations': { paramsTuple?: []; params?: {} }
    'admin.audit': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
  }
  HEAD: {
    'health.live': { paramsTuple?: []; params?: {} }
    'health.ready': { paramsTuple?: []; params?: {} }
    'sign_in': { paramsTuple?: []; params?: {} }
    'invitations.show': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'sign_up': { paramsTuple?: []; params?: {} }
    'sign_up.edit': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'password.forgot': { paramsTuple?: []; params?: {} }
    'password.reset': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'mfa.challenge': { paramsTuple?: []; params?: {} }
    'mfa.setup': { paramsTuple?: []; params?: {} }
    'passkeys.sign_in_options': { paramsTuple?: []; params?: {} }
    'home': { paramsTuple?: []; params?: {} }
    'organizations.index': { paramsTuple?: []; params?: {} }
    'organizations.show': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'reauthenticate': { paramsTuple?: []; params?: {} }
    'recovery_codes.show': { paramsTuple?: []; params?: {} }
    'recovery_codes.download': { paramsTuple?: []; params?: {} }
    'settings.security': { paramsTuple?: []; params?: {} }
    'settings.sessions': { paramsTuple?: []; params?: {} }
    'settings.tokens': { paramsTuple?: []; params?: {} }
    'settings.members': { paramsTuple?: []; params?: {} }
    'settings.audit': { paramsTuple?: []; params?: {} }
    'settings.organization': { paramsTuple?: []; params?: {} }
    'passkeys.options': { paramsTuple?: []; params?: {} }
    'admin.home': { paramsTuple?: []; params?: {} }
    'admin.users': { paramsTuple?: []; params?: {} }
    'admin.organizations': { paramsTuple?: []; params?: {} }
    'admin.audit': { paramsTuple?: []; params?: {} }
    'api.me': { paramsTuple?: []; params?: {} }
  }
  POST: {
    'sign_in.store': { paramsTuple?: []; params?: {} }
    'invitations.accept': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'sign_up.store': { paramsTuple?: []; params?: {} }
    'sign_up.update': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'password.send_link': { paramsTuple?: []; params?: {} }
    'password.update': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'mfa.verify': { paramsTuple?: []; params?: {} }
    'mfa.confirm': { paramsTuple?: []; params?: {} }
    'passkeys.sign_in': { paramsTuple?: []; params?: {} }
    'sign_out': { paramsTuple?: []; params?: {} }
    'organizations.switch': { paramsTuple?: []; params?: {} }
    'reauthenticate.store': { paramsTuple?: []; params?: {} }
    'recovery_codes.saved': { paramsTuple?: []; params?: {} }
    'settings.sessions.revoke_others': { paramsTuple?: []; params?: {} }
    'settings.sessions.revoke': { paramsTuple: [ParamValue]; params: {'session': ParamValue} }
    'settings.tokens.revoke': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'settings.members.invite': { paramsTuple?: []; params?: {} }
    'settings.members.revoke_invite': { paramsTuple: [ParamValue]; params: {'invite': ParamValue} }
    'settings.members.role': { paramsTuple: [ParamValue]; params: {'membership': ParamValue} }
    'settings.members.remove': { paramsTuple: [ParamValue]; params: {'membership': ParamValue} }
    'settings.password': { paramsTuple?: []; params?: {} }
    'settings.recovery_codes': { paramsTuple?: []; params?: {} }
    'settings.tokens.store': { paramsTuple?: []; params?: {} }
    'settings.organization.update': { paramsTuple?: []; params?: {} }
    'passkeys.register': { paramsTuple?: []; params?: {} }
    'passkeys.remove': { paramsTuple: [ParamValue]; params: {'factor': ParamValue} }
    'admin.users.lock': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.users.unlock': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.users.reset_mfa': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
  }
}
declare module '@adonisjs/core/types/http' {
  export interface RoutesList extends ScannedRoutes {}
}