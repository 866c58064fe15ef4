import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import ConnectChosenAccounts, {
  AccountChoiceInputException,
  pendingAccountChoice,
} from '#actions/connections/connect_chosen_accounts'
import { redrawOnRefusal } from '#exceptions/form_refusal'
import { connectOutcomeMessage } from '#actions/connections/store_connection'
import { pluginRegistry } from '#services/plugins/registry'
import { accountChoiceValidator } from '#validators/connection'

const CONNECTIONS_PAGE = '/settings/connections'

/**
 * "Which accounts?": an OAuth authorisation that reaches several sites
 * or workspaces lists them, and the member ticks the ones to connect.
 */
export default class OAuthAccountsController {
  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    // a choice that is gone (used, expired, another member's) sends the member back
    redrawOnRefusal(ctx, { redirectTo: CONNECTIONS_PAGE })
    return ctx.view.render('pages/settings/oauth_accounts', await this.#choice(ctx))
  }

  async store(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    redrawOnRefusal(ctx, {
      view: 'pages/settings/oauth_accounts',
      state: () => this.#choice(ctx),
      wholeFormTo: CONNECTIONS_PAGE,
    })
    const { accounts } = await accountChoiceValidator
      .validate(ctx.request.only(['accounts']))
      .catch(() => {
        throw new AccountChoiceInputException('Pick at least one of the accounts listed.')
      })
    const outcomes = await new ConnectChosenAccounts().execute({
      organization: ctx.organization!,
      actor: ctx.auth.use('web').user!,
      choicePublicId: ctx.params.choice,
      accountKeys: accounts ?? [],
    })
    const notices = outcomes.map(connectOutcomeMessage)
    const failed = notices.filter((notice) => notice.kind === 'error')
    ctx.session.flash(
      failed.length > 0 ? 'error' : 'success',
      notices.map((notice) => notice.message).join(' ')
    )
    return ctx.response.redirect(CONNECTIONS_PAGE)
  }

  async #choice(ctx: HttpContext) {
    const choice = await pendingAccountChoice({
      organization: ctx.organization!,
      actor: ctx.auth.use('web').user!,
      choicePublicId: ctx.params.choice,
    })
    const plugin = pluginRegistry.get(choice.pluginId)
    return {
      choicePublicId: choice.publicId,
      pluginName: plugin?.definition?.name ?? choice.pluginId,
      accounts: choice.accountList,
    }
  }
}
