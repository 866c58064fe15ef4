import { redirectAfterWrite, repositoryPicker, type PluginRouteContext } from '#plugin-sdk'
import { isTokenConnection } from './personal_token.js'
import { statusCheckSettings, statusCheckSettingsValidator } from './policy.js'

/**
 * The installation's repositories, searchable and paged, with which ones
 * Sextant monitors and each one's latest snapshot (the SDK's repository
 * page), plus the Sextant status check's settings on the full page.
 */
export const repositoriesPage = repositoryPicker({
  pageData: (connection) => ({
    tokenOnly: isTokenConnection(connection),
    statusCheck: statusCheckSettings(connection.config),
  }),
})

export async function saveStatusCheck(ctx: PluginRouteContext) {
  const connection = await repositoriesPage.connectionOr404(ctx)
  if (!connection) return
  const page = repositoriesPage.pageUrl(ctx, connection)
  if (isTokenConnection(connection)) {
    return redirectAfterWrite(ctx, page, {
      kind: 'error',
      message:
        'A personal access token cannot post status checks: install the GitHub App for them.',
    })
  }
  const input = await ctx.request.validateUsing(statusCheckSettingsValidator)
  await connection.update({
    config: {
      statusCheck: {
        enabled: input.enabled === true,
        maxAiSharePercent: input.maxAiSharePercent ?? null,
        maxChangedLines: input.maxChangedLines ?? null,
      },
    },
  })
  ctx.session.flash(
    'success',
    input.enabled
      ? 'The Sextant status check is on for new pull request commits.'
      : 'The Sextant status check is off.'
  )
  return redirectAfterWrite(ctx, page)
}
