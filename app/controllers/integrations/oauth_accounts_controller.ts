import type { HttpContext } from '@adonisjs/core/http'
import { memberCan } from '#abilities/main'
import ConnectChosenAccounts, {
  AccountChoiceGone,
  AccountChoiceInputError,
  pendingAccountChoice,
} from '#actions/connections/connect_chosen_accounts'
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
    return this.#render(ctx)
  }

  async store(ctx: HttpContext) {
    await ctx.bouncer.authorize(memberCan, ctx.membership, 'integrations.manage')
    try {
      const { accounts } = await accountChoiceValidator
        .validate(ctx.request.only(['accounts']))
        .catch(() => {
          throw new AccountChoiceInputError('Pick at least one of the accounts listed.')
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
    } catch (error) {
      if (error instanceof AccountChoiceInputError) {
        ctx.response.status(422)
        return this.#render(ctx, error.message)
      }
      if (!(error instanceof AccountChoiceGone)) throw error
      ctx.session.flash('error', error.message)
      return ctx.response.redirect(CONNECTIONS_PAGE)
    }
  }

  async #render(ctx: HttpContext, problem: string | null = null) {
    try {
      const choice = await pendingAccountChoice({
        organization: ctx.organization!,
        actor: ctx.auth.use('web').user!,
        choicePublicId: ctx.params.choice,
      })
      const plugin = pluginRegistry.get(choice.pluginId)
      return ctx.view.render('pages/settings/oauth_accounts', {
        choicePublicId: choice.publicId,
        pluginName: plugin?.definition?.name ?? choice.pluginId,
        accounts: choice.accountList,
        problem,
      })
    } catch (error) {
      if (!(error instanceof AccountChoiceGone)) throw error
      ctx.session.flash('error', error.message)
      return ctx.response.redirect(CONNECTIONS_PAGE)
    }
  }
}
