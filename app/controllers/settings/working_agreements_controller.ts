import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import { redirectAfterWrite } from '#services/after_write'
import { requestMeta } from '#services/auth_session'
import { teamChoices } from '#queries/teams'
import { agreementsPage } from '#services/agreements/agreements_page'
import CreateWorkingAgreement from '#actions/agreements/create_working_agreement'
import DeleteWorkingAgreement from '#actions/agreements/delete_working_agreement'
import SaveAlertWebhook from '#actions/agreements/save_alert_webhook'
import SetInsightsMail from '#actions/agreements/set_insights_mail'
import { redrawOnRefusal, validatedOrRefused } from '#exceptions/form_refusal'
import { alertWebhookValidator, workingAgreementValidator } from '#validators/agreements'

const PATH = '/settings/insights/agreements'

type RefusedForm = 'agreement' | 'webhook'

const MESSAGES = {
  agreement: 'Choose a measure, a threshold from 1 and a target from 1 to 100%.',
  webhook: 'Type the incoming-webhook URL your chat tool gave you (https://…).',
}

/**
 * Settings → Insights → Working agreements: the targets of the
 * organisation and its teams with their adherence week by week, where
 * alerts are posted, and the member's own choice of insights mail.
 */
export default class WorkingAgreementsController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    return this.#render(ctx)
  }

  async store(ctx: HttpContext) {
    return this.#write(ctx, 'agreement', async (actor) => {
      const input = await validatedOrRefused(
        ctx.request.validateUsing(workingAgreementValidator),
        MESSAGES.agreement
      )
      const created = await new CreateWorkingAgreement().execute({
        ...actor,
        kind: input.kind,
        threshold: input.threshold,
        targetPercent: input.targetPercent,
        teamPublicId: input.team || undefined,
      })
      return `Agreed: ${created.description}.`
    })
  }

  async destroy(ctx: HttpContext) {
    return this.#write(ctx, 'agreement', async (actor) => {
      const deleted = await new DeleteWorkingAgreement().execute({
        ...actor,
        agreementPublicId: ctx.params.agreement,
      })
      return `Removed “${deleted.description}”.`
    })
  }

  async webhook(ctx: HttpContext) {
    return this.#write(ctx, 'webhook', async (actor) => {
      const { url } = await validatedOrRefused(
        ctx.request.validateUsing(alertWebhookValidator),
        MESSAGES.webhook
      )
      return new SaveAlertWebhook().execute({ ...actor, url: url || undefined })
    })
  }

  /** the member's own insights mail, on or off: no management right needed */
  async mail(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.view')
    const receive = ctx.request.input('receive') === '1'
    await new SetInsightsMail().execute({
      membershipPublicId: ctx.membership!.publicId,
      organizationId: ctx.organization!.id,
      receive,
    })
    return redirectAfterWrite(ctx, PATH, {
      kind: 'success',
      message: receive
        ? 'You will receive the weekly digest and agreement alerts.'
        : 'You will no longer receive the weekly digest and agreement alerts.',
    })
  }

  async #write(
    ctx: HttpContext,
    form: RefusedForm,
    change: (actor: {
      organizationId: number
      actor: NonNullable<HttpContext['auth']['user']>
      meta: ReturnType<typeof requestMeta>
    }) => Promise<string>
  ) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'organization.manage')
    // a refusal draws the page again, the refused form with its message and values
    redrawOnRefusal(ctx, {
      view: 'pages/settings/working_agreements',
      state: () =>
        this.#state(ctx, {
          form,
          values: ctx.request.only(['kind', 'threshold', 'targetPercent', 'team', 'url']),
        }),
    })
    const message = await change({
      organizationId: ctx.organization!.id,
      actor: ctx.auth.use('web').user!,
      meta: requestMeta(ctx),
    })
    return redirectAfterWrite(ctx, PATH, { kind: 'success', message })
  }

  async #render(ctx: HttpContext) {
    // one URL, two renderings: the scope filter swaps the list alone
    const listOnly = ctx.htmx.wantsPartial && ctx.htmx.target === 'agreements-list'
    const view = listOnly ? 'partials/agreements/list' : 'pages/settings/working_agreements'
    return ctx.view.render(view, await this.#state(ctx))
  }

  async #state(
    ctx: HttpContext,
    refused: { form: RefusedForm; values: Record<string, unknown> } | null = null
  ) {
    const organizationId = ctx.organization!.id
    const [page, teams] = await Promise.all([
      agreementsPage(
        organizationId,
        ctx.membership!.id,
        new Date(),
        String(ctx.request.qs().for ?? '')
      ),
      teamChoices(organizationId),
    ])
    return {
      ...page,
      teams,
      canManage: await ctx.bouncer.allows(memberCan, ctx.membership, 'organization.manage'),
      refusedForm: refused?.form ?? null,
      values: refused?.values ?? {},
    }
  }
}
