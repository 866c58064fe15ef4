/**
 * The modules that carry Sextant's guarantees, each with the test files
 * that guard it. "npm run mutate" mutates one module at a time and runs
 * only its own tests for each mutant (Japa has no Stryker runner, so the
 * command runner starts "node ace test" once per mutant: keep the test
 * lists tight, every file here runs hundreds of times).
 */
export type MutationModule = {
  /** used on the command line and as the report folder under tmp/mutation/ */
  name: string
  /** the source files mutated */
  mutate: string[]
  /** the Japa suites and files run against each mutant */
  suites: string[]
  files: string[]
  /** more Japa filters, e.g. ['--groups=Scheduler'] or ['--tags=~@slow'] */
  filters?: string[]
}

export const MUTATION_MODULES: MutationModule[] = [
  {
    name: 'secret-box',
    mutate: ['app/services/secret_box.ts'],
    suites: ['unit'],
    files: ['tests/unit/secret_box.spec.ts'],
  },
  {
    name: 'totp',
    mutate: ['app/services/totp.ts'],
    suites: ['unit'],
    files: ['tests/unit/totp.spec.ts'],
  },
  {
    name: 'recovery-codes',
    mutate: [
      'app/actions/auth/regenerate_recovery_codes.ts',
      'app/actions/auth/verify_second_factor.ts',
    ],
    suites: ['unit'],
    // the actions called directly on the real database (the pages that call
    // them are tests/functional/auth/second_factor.spec.ts, 40 s a mutant)
    files: ['tests/unit/second_factor_actions.spec.ts'],
  },
  {
    name: 'public-ids',
    mutate: ['app/services/public_id.ts'],
    suites: ['unit'],
    files: ['tests/unit/public_id.spec.ts'],
  },
  {
    name: 'csv-export',
    mutate: ['app/services/insights_pages/csv.ts'],
    suites: ['unit'],
    files: ['tests/unit/insights_pages/csv_and_ranges.spec.ts'],
  },
  {
    name: 'abilities',
    mutate: ['app/abilities/main.ts', 'app/services/authorization.ts'],
    suites: ['unit'],
    files: ['tests/unit/authorization.spec.ts'],
  },
  {
    name: 'sign-in-throttle',
    mutate: ['app/services/throttle.ts'],
    suites: ['unit'],
    files: ['tests/unit/throttle.spec.ts'],
  },
  {
    name: 'schedule-claims',
    mutate: ['app/actions/schedules/run_schedule.ts'],
    suites: ['unit'],
    // RunSchedule called directly on the real database and lock store. The
    // race of two scheduler processes (tests/functional/scheduler.spec.ts)
    // proves the same claim across processes, at a minute a mutant.
    files: ['tests/unit/run_schedule.spec.ts'],
  },
  {
    name: 'webhook-processing',
    mutate: [
      'app/actions/webhooks/process_webhook_delivery.ts',
      'app/actions/webhooks/retry_delivery.ts',
    ],
    suites: ['unit'],
    // the actions called directly on the real database, and what a handler
    // does through the core (status checks, pull requests it writes);
    // receipt over HTTP, the queue and two racing worker processes are in
    // the functional file
    files: [
      'tests/unit/process_webhook_delivery.spec.ts',
      'tests/unit/webhook_handler_effects.spec.ts',
    ],
  },
  {
    name: 'webhook-receipt',
    mutate: ['app/actions/webhooks/receive_webhook.ts'],
    suites: ['unit'],
    // ReceiveWebhook called directly on the real database (storage, the two
    // deduplications, ownership, refusals). The HTTP side (status codes,
    // body limits) and the 1,000-delivery run are in
    // tests/functional/webhooks.spec.ts, at 30 s a mutant.
    files: ['tests/unit/receive_webhook.spec.ts'],
  },
  {
    name: 'sync-cursors-and-locks',
    mutate: ['app/services/sync/cursors.ts', 'app/services/kept_alive_lock.ts'],
    suites: ['unit'],
    // both exercised directly on the real database and lock store; the
    // whole-sync tests (tests/functional/sync_engine.spec.ts) cost 30 s a mutant
    files: ['tests/unit/sync_cursors_and_locks.spec.ts'],
  },
  {
    name: 'outbound-policy',
    mutate: ['app/services/http/outbound_policy.ts'],
    suites: ['unit'],
    files: ['tests/unit/outbound_policy.spec.ts', 'tests/unit/outbound_policy_dispatcher.spec.ts'],
  },
]
