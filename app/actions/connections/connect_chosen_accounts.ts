import { FormRefusalException } from '#exceptions/form_refusal'
import { randomBytes } from 'node:crypto'
import type Organization from '#models/organization'
import type User from '#models/user'
import OauthAccountChoice from '#models/oauth_account_choice'
import { sqlTime } from '#services/sql'
import { checkOutboundUrl } from '#services/http/outbound_dispatcher'
import { OutboundRequestRefused } from '#services/http/outbound_policy'
import { pluginRegistry } from '#services/plugins/registry'
import { findMethod, storedMethodId } from '#services/plugins/auth_methods'
import { tokenCredentials } from '#services/plugins/oauth2'
import {
  finishConnecting,
  upsertConnections,
  type ConnectOutcome,
} from '#actions/connections/store_connection'

/** the member picked nothing, or something the grant does not reach: the page says so */
export class AccountChoiceInputException extends FormRefusalException {
  static status = 422
  static code = 'E_ACCOUNT_CHOICE_INPUT'

  constructor(message: string) {
    super(message, { field: 'accounts' })
  }
}

/** the choice is another member's, another organisation's, used or expired */
export class AccountChoiceGoneException extends FormRefusalException {
  static status = 404
  static code = 'E_ACCOUNT_CHOICE_GONE'
}

/**
 * The account choice waiting for this member in this organisation,
 * expired ones swept first. Anyone else's is as good as absent.
 */
export async function pendingAccountChoice(input: {
  organization: Organization
  actor: User
  choicePublicId: string
}) {
  await OauthAccountChoice.query().where('expires_at', '<', sqlTime()).delete()
  const id = OauthAccountChoice.keyFromPublicId(input.choicePublicId)
  const choice = id
    ? await OauthAccountChoice.query()
        .where('id', id)
        .where('organization_id', input.organization.id)
        .where('user_id', input.actor.id)
        .first()
    : null
  if (!choice) {
    throw new AccountChoiceGoneException(
      'This choice of accounts is unknown, already made or expired (it lasts 15 minutes). Start again from Connections.'
    )
  }
  return choice
}

/**
 * Connects the accounts the member picked from those an OAuth grant
 * reaches: one connection each, all written in one transaction and
 * sharing the grant's tokens (and its refresh lock), then each tested
 * with a first sync queued. The waiting tokens are deleted.
 */
export default class ConnectChosenAccounts {
  async execute(input: {
    organization: Organization
    actor: User
    choicePublicId: string
    accountKeys: string[]
  }): Promise<ConnectOutcome[]> {
    const choice = await pendingAccountChoice(input)
    const plugin = pluginRegistry.require(choice.pluginId)
    const method = findMethod(plugin, choice.authMethod)
    if (!method || method.auth.kind !== 'oauth2') {
      throw new AccountChoiceGoneException(
        `${plugin.definition.name} no longer connects with OAuth.`
      )
    }
    const wanted = new Set(input.accountKeys)
    const chosen = choice.accountList.filter((account) => wanted.has(account.key))
    if (chosen.length === 0 || chosen.length !== wanted.size) {
      throw new AccountChoiceInputException('Pick at least one of the accounts listed.')
    }
    for (const account of chosen) {
      if (!account.baseUrl) continue
      try {
        await checkOutboundUrl(account.baseUrl)
      } catch (error) {
        if (!(error instanceof OutboundRequestRefused)) throw error
        throw new AccountChoiceInputException(
          `${account.name} cannot be connected: its address is ${error.message}.`
        )
      }
    }

    const token = choice.openToken()
    const grant = chosen.length > 1 ? randomBytes(18).toString('base64url') : null
    const connections = await upsertConnections(
      chosen.map((account) => ({
        organizationId: input.organization.id,
        pluginId: plugin.id,
        accountKey: account.key,
        createdById: input.actor.id,
        displayName: account.name,
        config: account.config ?? {},
        credentials: tokenCredentials(token),
        baseUrl: account.baseUrl ?? null,
        status: 'active' as const,
        authMethod: storedMethodId(method),
        oauthGrant: grant,
      }))
    )
    await choice.delete()

    const outcomes: ConnectOutcome[] = []
    for (const connection of connections) outcomes.push(await finishConnecting(connection, plugin))
    return outcomes
  }
}
