import { errors as vineErrors, SimpleMessagesProvider } from '@vinejs/vine'
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

const MESSAGES = {
  'maxLength': 'At most 500 characters.',
  'regex': 'Names may not contain < or >.',
  'incidentJql.maxLength': 'At most 1,000 characters.',
  'incidentJql.regex': 'Write the query on one line.',
}

export const issueTypesValidator = vine.create({
  bug: names(),
  incident: names(),
  incidentLabels: names(),
  // JQL (Jira runs it; `<` and `>` are operators there), one line
  incidentJql: vine
    .string()
    .trim()
    .maxLength(1000)
    .regex(/^[^\r\n]*$/)
    .optional(),
})
issueTypesValidator.messagesProvider = new SimpleMessagesProvider(MESSAGES)

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
  const submitted = ctx.request.only(['bug', 'incident', 'incidentLabels', 'incidentJql'])
  let input: { bug?: string; incident?: string; incidentLabels?: string; incidentJql?: string }
  try {
    input = await issueTypesValidator.validate(submitted)
  } catch (error) {
    if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
    // answered on a page of its own, with the messages under their fields
    const fieldErrors = Object.fromEntries(
      (error.messages as Array<{ field: string; message: string }>).map((entry) => [
        entry.field,
        entry.message,
      ])
    )
    ctx.response.status(422)
    return ctx.view.render('jira::issue_types', {
      connection,
      mapping: {},
      values: {
        bug: String(submitted.bug ?? ''),
        incident: String(submitted.incident ?? ''),
        incidentLabels: String(submitted.incidentLabels ?? ''),
        incidentJql: String(submitted.incidentJql ?? ''),
      },
      fieldErrors,
    })
  }
  const issueTypes = Object.fromEntries(
    Object.entries({
      bug: list(input.bug),
      incident: list(input.incident),
      incidentLabels: list(input.incidentLabels),
    }).filter(([, value]) => value !== undefined)
  )
  await connection.update({
    config: { issueTypes, incidentJql: input.incidentJql ?? '', incidentJqlError: null },
  })
  return redirectAfterWrite(ctx, `/settings/connections/${connection.publicId}`, {
    kind: 'success',
    message: 'Issue types saved: the next full sync classifies every issue with them.',
  })
}
