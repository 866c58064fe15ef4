import type { ConnectionHandle, PluginRouteContext } from '#plugin-sdk'
import {
  describeOutboundFailure,
  logger,
  outboundFailureText,
  redirectAfterWrite,
  vine,
} from '#plugin-sdk'
import { SnykClient } from '../client.js'
import { environment } from '../environment.js'
import type { Snyk } from '../types.js'

const choiceValidator = vine.create({
  organizations: vine.record(vine.string()).optional(),
})

async function connectionOr404(ctx: PluginRouteContext): Promise<ConnectionHandle | null> {
  const connection = await ctx.plugin.connection(String(ctx.params.connection ?? ''))
  if (!connection) {
    ctx.response.status(404)
    ctx.response.send(await ctx.view.render('pages/errors/not_found'))
  }
  return connection
}

/** the organisations the connection's token sees, or the reason it cannot say */
async function visibleOrgs(connection: ConnectionHandle) {
  try {
    return { orgs: await new SnykClient(await connection.client()).orgs(), error: null }
  } catch (error) {
    logger.warn({ err: error, plugin: 'snyk' }, 'listing Snyk organisations failed')
    return { orgs: [] as Snyk.Org[], error: outboundFailureText(describeOutboundFailure(error)) }
  }
}

async function render(
  ctx: PluginRouteContext,
  connection: ConnectionHandle,
  orgs: Snyk.Org[],
  problem: string | null
) {
  const siblings = await ctx.plugin.connections()
  const connected = new Set(siblings.map((other) => other.accountKey))
  return ctx.view.render('snyk::organizations', {
    connection,
    orgs: orgs.map((org) => ({
      id: org.id,
      name: org.attributes.name,
      slug: org.attributes.slug,
      connected: connected.has(org.id),
    })),
    problem,
  })
}

/** Every Snyk organisation the token sees, the connected ones marked. */
export async function showOrganizations(ctx: PluginRouteContext) {
  const connection = await connectionOr404(ctx)
  if (!connection) return
  const { orgs, error } = await visibleOrgs(connection)
  return render(ctx, connection, orgs, error ? `Snyk ${error}` : null)
}

/**
 * Connects the ticked organisations with this connection's token (and
 * region): each becomes a connection of its own, tested, its first sync
 * queued. Ticking none, or one the token does not see, is answered 422.
 */
export async function connectOrganizations(ctx: PluginRouteContext) {
  const connection = await connectionOr404(ctx)
  if (!connection) return
  const { organizations } = await ctx.request.validateUsing(choiceValidator)
  const wanted = Object.keys(organizations ?? {})
  const { orgs, error } = await visibleOrgs(connection)
  const byId = new Map(orgs.map((org) => [org.id, org]))
  const problem = error
    ? `Snyk ${error}`
    : wanted.length === 0
      ? 'Tick at least one organisation to connect.'
      : wanted.some((id) => !byId.has(id))
        ? 'The token does not see one of the ticked organisations.'
        : null
  if (problem) {
    ctx.response.status(422)
    return render(ctx, connection, orgs, problem)
  }
  const typedBaseUrl =
    connection.baseUrl !== environment.get('SNYK_API_URL') ? connection.baseUrl : null
  const names: string[] = []
  for (const id of wanted) {
    const org = byId.get(id)!
    await ctx.plugin.saveConnection({
      accountKey: org.id,
      displayName: org.attributes.name,
      config: { organization: org.id },
      credentials: { token: connection.credentials.token },
      baseUrl: typedBaseUrl,
    })
    names.push(org.attributes.name)
  }
  ctx.session.flash('success', `Connected ${names.join(', ')}.`)
  return redirectAfterWrite(ctx, '/settings/connections')
}
