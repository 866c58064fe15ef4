/**
 * The plugin SDK: the only module a plugin imports from Sextant
 * ("#plugin-sdk"). It re-exports the contract's types, definePlugin, the
 * shared HTTP client and the framework pieces a plugin needs (Vine for
 * its connect form, ace for its commands), so plugins never reach into
 * core internals and keep working as the core changes.
 */
import string from '@adonisjs/core/helpers/string'
import type { PluginDefinition } from '#plugin-sdk/types'

export type * from '#plugin-sdk/types'
export type * from '#plugin-sdk/domain'
export type * from '#plugin-sdk/declarations'
export type * from '#plugin-sdk/settings'
export { defineSettings } from '#plugin-sdk/settings'
export { pluginCache } from '#plugin-sdk/cache'
/** sync work over the monitored repositories, a few at a time, failures reported together */
export { eachMonitoredRepository, eachWithLimit } from '#plugin-sdk/repository_pool'
/** a plugin's installation-scoped connections, for its ace commands */
export { installationConnections } from '#plugin-sdk/installation'
/** repositories and people across providers: canonical keys, references, identity links */
export * from '#plugin-sdk/identity'
/** lifecycle hooks (onConnected, onDisconnecting) and the core events a plugin subscribes to */
export type * from '#plugin-sdk/lifecycle'
export type * from '#plugin-sdk/auth_methods'
/** the ally driver for OAuth 2.0 methods: extend it to give a provider its own (docs/plugins.md) */
export { OAuthDriver, toTokenSet } from '#plugin-sdk/oauth_driver'
export type {
  OAuthDriverConfig,
  OAuthDriverFactory,
  OAuthDriverToken,
  OAuthRedirectRequest,
  OAuthTokenRequest,
} from '#plugin-sdk/oauth_driver'
/**
 * Built-in AI signals (docs/ai_code.md): whether a commit carries one
 * (worth reading its diff), a pull request body's marker, and the lines
 * a unified diff's patch (one file) or a whole git diff (per file) adds
 */
export {
  addedLineRanges,
  addedLinesOfDiff,
  carriesAiSignal,
  pullRequestMarker,
} from '#services/ai_code/built_in_signals'
/** provider-neutral pull request statuses */
export type * from '#plugin-sdk/status_checks'
/** chat completions with an organisation's own model, for core features that write text */
export type * from '#plugin-sdk/chat_completion'
export {
  HttpClient,
  HttpError,
  RateLimitedError,
  BudgetExhaustedError,
  HttpTimeoutError,
  PaginationError,
  OutboundRequestRefused,
} from '#services/http/client'
/**
 * The outbound policy for URLs a user typed (docs/plugins.md, "URLs
 * users type"): a fetch for clients that take one (the openai package),
 * a check for forms that save such a URL, and failures in words that
 * never quote what the provider answered.
 */
export {
  outboundFetch,
  checkOutboundUrl,
  outboundNodeAgent,
} from '#services/http/outbound_dispatcher'
export { describeOutboundFailure, outboundFailureText } from '#services/http/failures'
export type { OutboundFailure } from '#services/http/failures'
/** the application logger, for failures whose details belong in the server log only */
export { default as logger } from '@adonisjs/core/services/logger'
export type {
  HttpClientOptions,
  HttpResponse,
  HttpRequestOptions,
  HttpDownload,
  HttpPage,
  PaginateOptions,
  PaginationStrategy,
} from '#services/http/client'
export { parseLinkHeader } from '#services/http/link_header'
export { default as vine } from '@vinejs/vine'
/** HTML-escapes text a plugin writes outside Edge (an SSE event, a raw fragment) */
export const escapeHtml = (text: string) => string.escapeHTML(text)
/** a code plugin's repository page: search, paging, monitored ticks, snapshot download */
export { repositoryPicker, REPOSITORY_PAGE_SIZE } from '#plugin-sdk/repository_picker'
export type { RepositoryPicker, RepositoryPickerOptions } from '#plugin-sdk/repository_picker'
/** the answer to a page's form after a write: HX-Location under htmx, else a redirect */
export { redirectAfterWrite } from '#services/after_write'
export type { FlashNote } from '#services/after_write'
/** a plugin's own tables (plugins/<id>/database/migrations) are read and written with Lucid */
export { default as db } from '@adonisjs/lucid/services/db'
export { BaseModel, column } from '@adonisjs/lucid/orm'
/** a moment written the way the current database engine stores datetimes, for raw queries */
export { sqlTime, fromSqlTime } from '#services/sql'
/** a LIKE pattern for a user's search text, to use with `ESCAPE '!'` */
export { containsPattern } from '#services/sql'
export { BaseSchema } from '@adonisjs/lucid/schema'
/** public ids (Sqids) for a plugin's own models: `compose(BaseModel, withPublicId('kind'))` */
export { withPublicId } from '#models/mixins/with_public_id'
export { compose } from '@adonisjs/core/helpers'
/**
 * Seals a plugin's own secrets (an API key column) at rest, bound to
 * table, column and row; declare the column in the manifest's
 * `sealedColumns` so secrets:rotate re-seals it.
 */
export { secretBox, SecretBoxError } from '#services/secret_box'
export type { SecretPurpose } from '#services/secret_box'
export { BaseCommand, args, flags } from '@adonisjs/core/ace'
export type { CommandOptions } from '@adonisjs/core/types/ace'
export { hmacSha256Matches } from '#services/webhooks/signatures'
/** a constant-time comparison of two secrets (a shared token a provider sends back) */
export { secretsMatch } from '#services/webhooks/signatures'
/** commit-message trailers and the AI-assistance marks the GenAI share counts */
export { parseTrailers, isAiAssisted } from '#services/domain/commit_trailers'
export type { Trailer } from '#services/domain/commit_trailers'
/**
 * People as a marketing plugin sees them, with their consent to product
 * emails: read the consenting ones, withdraw someone's consent.
 */
export { marketingContacts } from '#services/marketing/contacts'
export type { MarketingContact, ConsentWithdrawal } from '#services/marketing/contacts'
/** fixtures for a plugin's benchmark commands: scratch database, server, a member with a token */
export { benchmark, type BenchConnection, type BenchSyncOutcome } from '#plugin-sdk/benchmark'

/**
 * Declares a plugin. The loader checks the definition when the app boots
 * and reports a wrong field by name.
 */
export function definePlugin<const Definition extends PluginDefinition>(
  definition: Definition
): Definition {
  return definition
}
