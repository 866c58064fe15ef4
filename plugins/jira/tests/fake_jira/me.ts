import type { FakeUser } from './state.js'

/** the account every credential of the fake signs in as */
export const ME: FakeUser = {
  accountId: '5b10ac8d82e05b22cc7d4ef5',
  name: 'mia',
  displayName: 'Mia Krystof',
  emailAddress: 'mia@example.com',
}
