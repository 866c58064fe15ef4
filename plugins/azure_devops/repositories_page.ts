import { repositoryPicker } from '#plugin-sdk'

/**
 * The organisation's repositories ("Project/repository"), searchable and
 * paged, with which ones Sextant monitors and each one's latest snapshot
 * (the SDK's repository page, with this plugin's views).
 */
export const repositoriesPage = repositoryPicker()
