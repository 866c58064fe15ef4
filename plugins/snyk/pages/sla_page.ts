import { redirectAfterWrite, type PluginRouteContext } from '#plugin-sdk'
import {
  remediationSla,
  remediationTimes,
  saveRemediationSla,
  slaBreaches,
  slaValidator,
  topRisks,
} from '../sla.js'

/** The organisation's remediation SLA, its breaches and the top risks among them. */
export async function showSla(ctx: PluginRouteContext) {
  const organizationId = ctx.plugin.organizationId!
  const breaches = await slaBreaches(organizationId)
  return ctx.view.render('snyk::sla', {
    sla: await remediationSla(organizationId),
    breaches,
    risks: topRisks(breaches),
    times: await remediationTimes(organizationId),
    canManage: ctx.plugin.can('snyk.sla.manage'),
  })
}

export async function saveSla(ctx: PluginRouteContext) {
  const sla = await ctx.request.validateUsing(slaValidator)
  await saveRemediationSla(ctx.plugin.organizationId!, sla)
  ctx.session.flash('success', 'Remediation SLA saved.')
  return redirectAfterWrite(ctx, '/integrations/snyk/sla')
}
