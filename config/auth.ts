import { defineConfig } from '@adonisjs/auth'
import { sessionGuard } from '@adonisjs/auth/session'
import { tokensGuard } from '@adonisjs/auth/access_tokens'
import {
  SessionUserWithMembershipsProvider,
  TokenUserWithMembershipsProvider,
} from '#services/auth/session_user_provider'
import type { InferAuthenticators, InferAuthEvents, Authenticators } from '@adonisjs/auth/types'

const authConfig = defineConfig({
  default: 'web',
  guards: {
    /**
     * Pages. No remember-me: a long-lived cookie would sign a user back in
     * without the second factor.
     */
    web: sessionGuard({
      useRememberMeTokens: false,
      // the user, their memberships and organisations in one query per request
      provider: new SessionUserWithMembershipsProvider({
        model: () => import('#models/user'),
      }),
    }),

    /**
     * The API, with personal access tokens ("Authorization: Bearer sxt_…").
     */
    api: tokensGuard({
      // the token's user, memberships, organisations and second factor in one query
      provider: new TokenUserWithMembershipsProvider({
        tokens: 'accessTokens',
        model: () => import('#models/user'),
      }),
    }),
  },
})

export default authConfig

declare module '@adonisjs/auth/types' {
  export interface Authenticators extends InferAuthenticators<typeof authConfig> {}
}
declare module '@adonisjs/core/types' {
  interface EventsList extends InferAuthEvents<Authenticators> {}
}
