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
    suites: ['functional'],
    files: ['tests/functional/auth/second_factor.spec.ts'],
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
    suites: ['functional'],
    files: ['tests/functional/scheduler.spec.ts'],
    // the claims, locks and outcomes; the admin page and commands groups are not about them
    filters: ['--groups=Scheduler'],
  },
  {
    name: 'webhooks',
    mutate: [
      'app/actions/webhooks/receive_webhook.ts',
      'app/actions/webhooks/process_webhook_delivery.ts',
      'app/actions/webhooks/retry_delivery.ts',
    ],
    suites: ['functional'],
    files: ['tests/functional/webhooks.spec.ts'],
    // the 1,000-delivery run proves the same code at scale, in 15 s a mutant
    filters: ['--tags=~@slow'],
  },
  {
    name: 'sync-cursors-and-locks',
    mutate: ['app/services/sync/cursors.ts', 'app/services/kept_alive_lock.ts'],
    suites: ['functional'],
    files: ['tests/functional/sync_engine.spec.ts'],
    // the cursor and lock behaviours; rate limits and faults are the HTTP client's
    filters: [
      '--tests=an unchanged re-sync gets only 304s and writes nothing',
      '--tests=a changed item is picked up by the next incremental sync',
      '--tests=a full sync re-reads everything and leaves the next sync incremental',
      '--tests=a sync killed mid-run and re-run leaves the same rows and cursors as a clean run',
      '--tests=a second sync of a connection while one runs is refused, and nothing of it is recorded',
      '--tests=a run longer than its lock lifetime keeps the lock: a second run is still refused',
    ],
  },
  {
    name: 'outbound-policy',
    mutate: ['app/services/http/outbound_policy.ts'],
    suites: ['unit'],
    files: ['tests/unit/outbound_policy.spec.ts', 'tests/unit/outbound_policy_dispatcher.spec.ts'],
  },
]
