import { repositoryPicker } from '#plugin-sdk'

/**
 * The workspace's repositories, searchable and paged, with which ones
 * Sextant monitors (the SDK's repository page, with this plugin's views).
 */
export const repositoriesPage = repositoryPicker()
