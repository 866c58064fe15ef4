/**
 * The plugin test kit ("#plugin-sdk/testing"): what a plugin's tests need
 * to run its real code against a provider on loopback, with no database.
 * Tests only: production code never imports it (lint enforces it).
 *
 * - startFakeProvider: a provider API whose routes a test declares, with
 *   lists in every pagination style, ETags, rate-limit headers, faults
 *   and an OAuth 2.0 server with rotating refresh tokens
 * - fakeConnection / fakeSyncContext: what the platform hands a plugin
 * - RecordingDomainStore: what a sync wrote, assertable
 * - hmacSha256 / webhookRequest / webhookContext / postDelivery: deliveries
 * - withEnv: environment variables for one test, put back afterwards
 *
 * docs/testing.md ("Testing a plugin") walks through it.
 */
export {
  FakeProvider,
  startFakeProvider,
  type FakeAnswer,
  type FakeCredentials,
  type FakeHandler,
  type FakeRequest,
  type ListOptions,
  type RecordedRequest,
} from '#plugin-sdk/testing/fake_provider'
export { FakeOAuthServer, type FakeOAuthOptions } from '#plugin-sdk/testing/oauth_server'
export {
  PAGINATION_STYLES,
  isPaginationStyle,
  pagedAnswer,
  paginateOptionsFor,
  type PaginationStyle,
} from '#plugin-sdk/testing/paged_answers'
export {
  fakeConnection,
  fakeSyncContext,
  silentLogger,
  type FakeConnection,
  type FakeConnectionOptions,
  type FakeSyncContext,
} from '#plugin-sdk/testing/fake_connection'
export {
  RecordingDomainStore,
  type RecordedKind,
  type RecordedWrite,
} from '#plugin-sdk/testing/recording_store'
export {
  hmacSha256,
  postDelivery,
  webhookContext,
  webhookRequest,
  type WebhookRequestInput,
} from '#plugin-sdk/testing/webhooks'
export { withEnv } from '#plugin-sdk/testing/env'
