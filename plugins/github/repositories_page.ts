import { repositoryPicker } from '#plugin-sdk'
import { isTokenConnection } from './personal_token.js'

/**
 * The installation's repositories, searchable and paged, with which ones
 * Sextant monitors and each one's latest snapshot (the SDK's repository
 * page). The status check's policy is the organisation's (Settings → AI
 * code policy); the page says whether this connection can post it.
 */
export const repositoriesPage = repositoryPicker({
  pageData: (connection) => ({ tokenOnly: isTokenConnection(connection) }),
})
