/*
|--------------------------------------------------------------------------
| Core schedules
|--------------------------------------------------------------------------
|
| Recurring work of Sextant itself, fired by "node ace scheduler:run" (or
| by the web process when RUN_SCHEDULER_IN_PROCESS=true). Plugins add one
| schedule per sync task (config/plugin_schedules.ts). Crons can be
| overridden and schedules disabled through the environment: see
| app/services/scheduler/registry.ts.
|
| Core work that belongs here as it is written: the daily cache clear,
| the score computation, the insights refresh of organisations webhooks
| changed (every 5 minutes) and the repository downloads every 15 minutes.
| Each entry does real work and returns a one-line summary for the Jobs
| page.
|
*/
import app from '@adonisjs/core/services/app'
import env from '#start/env'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { appendFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { sqlTime } from '#services/sql'
import type { ScheduleDefinition } from '#services/scheduler/types'

const SCHEDULE_RUNS_RETENTION_DAYS = 30
const SYNC_RUNS_RETENTION_DAYS = 90

/**
 * Drivers report the number of deleted rows as a number or a one-element
 * array.
 */
function deletedCount(result: unknown) {
  return Number(Array.isArray(result) ? result[0] : result) || 0
}

const core: ScheduleDefinition[] = [
  {
    name: 'schedule-runs:prune',
    cron: '17 3 * * *',
    description: `Delete records of schedule runs older than ${SCHEDULE_RUNS_RETENTION_DAYS} days`,
    async run() {
      const cutoff = sqlTime(DateTime.now().minus({ days: SCHEDULE_RUNS_RETENTION_DAYS }))
      const deleted = deletedCount(
        await db.from('schedule_runs').where('started_at', '<', cutoff).delete()
      )
      return `${deleted} schedule runs deleted`
    },
  },
  {
    name: 'insights:scores',
    cron: '40 3 * * *',
    description: "Rebuild every organisation's daily metrics rollup, then calculate today's scores",
    async run({ signal }) {
      const { default: RefreshInsights } = await import('#actions/insights/refresh_insights')
      const { default: CalculateScores } = await import('#actions/insights/calculate_scores')
      const organizations = await db.from('organizations').select('id').orderBy('id')
      let points = 0
      for (const { id } of organizations) {
        if (signal.aborted) break
        await new RefreshInsights().execute({ organizationId: id, full: true })
        const scored = await new CalculateScores().execute({ organizationId: id })
        points += scored.points
      }
      return `${points} score points for ${organizations.length} organisations`
    },
  },
  {
    name: 'insights:refresh',
    cron: '*/5 * * * *',
    description:
      'Roll up the recent days of organisations whose data changed since their last refresh (webhook deliveries), then drop their cached insights',
    async run({ signal, logger }) {
      const { default: RefreshInsights } = await import('#actions/insights/refresh_insights')
      const { dirtyOrganizations } = await import('#services/insights/refresh_marks')
      const organizations = await dirtyOrganizations()
      let refreshed = 0
      let failed = 0
      // One organisation failing (its mark stays) does not hold up the others.
      for (const organizationId of organizations) {
        if (signal.aborted) break
        try {
          await new RefreshInsights().execute({ organizationId })
          refreshed++
        } catch (error) {
          failed++
          logger.warn({ err: error, organizationId }, 'Could not refresh the insights rollup')
        }
      }
      if (failed > 0) {
        throw new Error(`${failed} of ${organizations.length} organisations could not be refreshed`)
      }
      return `${refreshed} organisations refreshed`
    },
  },
  {
    name: 'cache:clear',
    cron: '50 3 * * *',
    description:
      'Clear the application cache (dashboard fragments), as "node ace cache:clear" does',
    async run() {
      const { default: cache } = await import('@adonisjs/cache/services/main')
      await cache.clear()
      return 'cache cleared'
    },
  },
  {
    name: 'sync-runs:prune',
    cron: '27 3 * * *',
    description: `Delete records of sync runs finished more than ${SYNC_RUNS_RETENTION_DAYS} days ago`,
    async run() {
      const cutoff = sqlTime(DateTime.now().minus({ days: SYNC_RUNS_RETENTION_DAYS }))
      const deleted = deletedCount(
        await db.from('sync_runs').where('finished_at', '<', cutoff).delete()
      )
      return `${deleted} sync runs deleted`
    },
  },
]

/**
 * Insights v2 (issue #25): the daily contextualisation pass, the daily
 * check of working agreements (an alert at most once a week per
 * agreement) and the weekly digest, Monday morning for the week before.
 */
function insightsMail(): ScheduleDefinition[] {
  const eachOrganization = async (
    signal: AbortSignal,
    work: (organizationId: number) => Promise<void>
  ) => {
    const organizations = await db.from('organizations').select('id').orderBy('id')
    for (const { id } of organizations) {
      if (signal.aborted) break
      await work(id)
    }
    return organizations.length
  }
  return [
    {
      name: 'insights:contextualize',
      cron: '10 4 * * *',
      description:
        'Find anomalies in the last 14 days of daily metrics and store them as "What changed", with a narrative by the organisation\'s chat model when it has one, as "node ace insights:contextualize --pipelines anomalies,summary" does; alert managers of each new one',
      async run({ signal }) {
        const { default: ContextualizeInsights } =
          await import('#actions/insights/contextualize_insights')
        let findings = 0
        let narratives = 0
        const count = await eachOrganization(signal, async (organizationId) => {
          const report = await new ContextualizeInsights().execute({
            organizationId,
            days: 14,
            pipelines: ['anomalies', 'summary'],
          })
          findings += report.findings.length
          narratives += report.narratives?.narrated ?? 0
          const { default: AlertNewAnomalies } =
            await import('#actions/insights/alert_new_anomalies')
          await new AlertNewAnomalies().execute({ organizationId, findings: report.findings })
        })
        return `${findings} findings (${narratives} with a narrative) for ${count} organisations`
      },
    },
    {
      name: 'insights:agreements',
      cron: '0 7 * * *',
      description:
        'Check every working agreement over the last 7 days; one below target alerts its managers by e-mail and the alert webhook (once a week)',
      async run({ signal }) {
        const { default: CheckWorkingAgreements } =
          await import('#actions/agreements/check_working_agreements')
        let alerts = 0
        const count = await eachOrganization(signal, async (organizationId) => {
          const report = await new CheckWorkingAgreements().execute({ organizationId })
          alerts += report.alerts
        })
        return `${alerts} alerts for ${count} organisations`
      },
    },
    {
      name: 'insights:digest',
      cron: '30 7 * * 1',
      description: "Send last week's insights digest to every member who receives insights mail",
      async run({ signal }) {
        const { default: SendWeeklyDigest } = await import('#actions/agreements/send_weekly_digest')
        let sent = 0
        const count = await eachOrganization(signal, async (organizationId) => {
          const digest = await new SendWeeklyDigest().execute({ organizationId })
          sent += digest.sent
        })
        return `${sent} digests for ${count} organisations`
      },
    },
  ]
}

/**
 * Housekeeping of evidence documents and, when BACKUP_NIGHTLY=true,
 * a nightly backup (BACKUP_PATH, keeping BACKUP_KEEP of them, 7 by
 * default).
 */
function dataLifecycle(): ScheduleDefinition[] {
  const schedules: ScheduleDefinition[] = [
    {
      name: 'webhooks:sweep',
      cron: '*/2 * * * *',
      description:
        'Queue again webhook deliveries left pending (their job was lost) or processing (their worker died); each is still handled once',
      async run() {
        const { default: RequeueStalledDeliveries } =
          await import('#actions/webhooks/requeue_stalled_deliveries')
        const swept = await new RequeueStalledDeliveries().execute()
        return `${swept.requeuedPending} pending and ${swept.requeuedAbandoned} abandoned deliveries queued again`
      },
    },
    {
      name: 'ai-code:import',
      cron: '*/15 * * * *',
      description:
        'Import the AI-code analyzer\'s output from AI_ENGINE_OUTPUT_PATH (one folder per organisation), as "node ace import:ai-engine-data" does',
      async run() {
        const { default: ImportScheduledAiEngineData } =
          await import('#actions/ai_code/import_scheduled_ai_engine_data')
        const result = await new ImportScheduledAiEngineData().execute(
          process.env.AI_ENGINE_OUTPUT_PATH
        )
        return result.skipped ?? `${result.imported} organisation(s) imported`
      },
    },
    {
      name: 'ai-code:git-notes',
      cron: '20 * * * *',
      description:
        'Read the Git AI authorship notes of the clones in GIT_AI_CLONES_PATH (<organisation>/<owner>/<name>), as "node ace import:git-ai-notes" does',
      async run() {
        const { default: ImportScheduledGitAiNotes } =
          await import('#actions/ai_code/import_scheduled_git_ai_notes')
        const result = await new ImportScheduledGitAiNotes().execute(process.env.GIT_AI_CLONES_PATH)
        return result.skipped ?? `${result.notes} note(s) read from ${result.repositories} clone(s)`
      },
    },
    {
      name: 'documents:purge',
      cron: '7 4 * * *',
      description:
        'Remove deleted documents (rows and stored files) past DOCUMENTS_RETENTION_DAYS, as "node ace documents:purge" does',
      async run() {
        const { default: PurgeDeletedDocuments } =
          await import('#actions/documents/purge_deleted_documents')
        const report = await new PurgeDeletedDocuments().execute({})
        if (report.failed.length > 0) {
          throw new Error(
            `${report.failed.length} documents could not be purged; kept for the next run`
          )
        }
        return `${report.purged} deleted documents purged`
      },
    },
  ]
  if (env.get('BACKUP_NIGHTLY', false)) {
    schedules.push({
      name: 'db:backup',
      cron: '30 2 * * *',
      description: 'Back up the database and local files, as "node ace db:backup" does',
      async run() {
        const { default: CreateBackup } = await import('#actions/backups/create_backup')
        const report = await new CreateBackup().execute({ keep: env.get('BACKUP_KEEP', 7) })
        return `backup ${report.folder}: ${report.rows} rows in ${report.tables} tables`
      },
    })
  }
  return schedules
}

/**
 * Schedules that exist only under NODE_ENV=test, and only when their cron
 * variable is set, so the scheduler's own tests can fire one every second
 * (test:tick) or hold a run open (test:slow) in a real process. test:tick
 * appends "<tick> <pid>" to SCHEDULE_TEST_TICK_LOG on every execution, so
 * a test counts executions instead of trusting the run records;
 * SCHEDULE_TEST_TICK_OUTPUT replaces its "ok", SCHEDULE_TEST_TICK_SILENT=1
 * makes it return nothing, SCHEDULE_TEST_TICK_THROWS makes it throw that
 * message.
 */
function testSchedules(): ScheduleDefinition[] {
  if (!app.inTest) return []
  const schedules: ScheduleDefinition[] = []
  if (process.env.SCHEDULE_TEST_TICK) {
    schedules.push({
      name: 'test:tick',
      cron: process.env.SCHEDULE_TEST_TICK,
      description: 'Test only: counts its executions and returns "ok"',
      async run({ tick }) {
        const log = process.env.SCHEDULE_TEST_TICK_LOG
        if (log) await appendFile(log, `${tick} ${process.pid}\n`)
        // what a run records of a long output or of an error, set by a test
        const thrown = process.env.SCHEDULE_TEST_TICK_THROWS
        if (thrown !== undefined) throw new Error(thrown)
        // a job with nothing to report returns nothing
        if (process.env.SCHEDULE_TEST_TICK_SILENT === '1') return
        return process.env.SCHEDULE_TEST_TICK_OUTPUT ?? 'ok'
      },
    })
  }
  if (process.env.SCHEDULE_TEST_SLOW) {
    schedules.push({
      name: 'test:slow',
      cron: process.env.SCHEDULE_TEST_SLOW,
      description: 'Test only: takes a second unless stopped',
      async run({ signal }) {
        await sleep(1000, undefined, { signal }).catch(() => {})
        return 'slow run finished'
      },
    })
  }
  return schedules
}

/**
 * A function rather than a list: the test schedules depend on variables
 * a test may set after the application booted.
 */
export default function coreSchedules(): ScheduleDefinition[] {
  return [...core, ...dataLifecycle(), ...insightsMail(), ...testSchedules()]
}
