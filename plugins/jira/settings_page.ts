import { redirectAfterWrite, vine, type PluginRouteContext } from '#plugin-sdk'

/**
 * The issue-type mapping of one connection (which types and labels are
 * bugs and incidents), saved from its settings card. The next sync
 * classifies issues with it; `--full` (or Sync now after a full run)
 * reclassifies those already synced.
 */
const names = () =>
  vine
    .string()
    .trim()
    .maxLength(500)
    .regex(/^[^<>]*$/)
    .optional()

export const issueTypesValidator = vine.create({
  bug: names(),
  incident: names(),
  incidentLabels: names(),
})

function list(value: string | undefined) {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  return entries.length > 0 ? entries.slice(0, 30) : undefined
}

export async function saveIssueTypes(ctx: PluginRouteContext) {
  const connection = await ctx.plugin.connection(String(ctx.params.connection ?? ''))
  if (!connection) {
    ctx.response.status(404)
    return ctx.response.send(await ctx.view.render('pages/errors/not_found'))
  }
  const input = await ctx.request.validateUsing(issueTypesValidator)
  const issueTypes = Object.fromEntries(
    Object.entries({
      bug: list(input.bug),
      incident: list(input.incident),
      incidentLabels: list(input.incidentLabels),
    }).filter(([, value]) => value !== undefined)
  )
  await connection.update({ config: { issueTypes } })
  return redirectAfterWrite(ctx, `/settings/connections/${connection.publicId}`, {
    kind: 'success',
    message: 'Issue types saved: the next full sync classifies every issue with them.',
  })
}
