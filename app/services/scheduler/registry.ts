/*
|--------------------------------------------------------------------------
| Every schedule Sextant knows
|--------------------------------------------------------------------------
|
| The core schedules of config/schedules.ts and one per plugin sync task.
| Two environment variables adjust them without a code change; they are
| read from process.env because their names depend on the schedules:
|
|   SCHEDULE_<NAME>      replaces the cron of one schedule; NAME is the
|                        schedule name in upper snake case, for example
|                        SCHEDULE_FETCH_GITHUB='0 3 * * *' for fetch:github.
|   SCHEDULES_DISABLED   comma-separated names that never fire on their
|                        cron (they stay listed and can still be run by
|                        hand with "node ace schedule:run <name>").
|
| Crons have five fields (minute resolution) or six (a leading seconds
| field) and are evaluated in the server's time zone (TZ).
|
*/
import cron from 'node-cron'
import coreSchedules from '#config/schedules'
import { pluginSchedules } from '#config/plugin_schedules'
import type { ScheduleDefinition } from '#services/scheduler/types'

export type RegisteredSchedule = ScheduleDefinition & {
  /** the SCHEDULE_* variable that replaced the default cron, if any */
  cronOverriddenBy: string | null
  disabled: boolean
}

export class ScheduleConfigurationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ScheduleConfigurationError'
  }
}

/**
 * "fetch:github" → "SCHEDULE_FETCH_GITHUB".
 */
export function cronOverrideVariable(name: string) {
  return `SCHEDULE_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`
}

function disabledNames() {
  return new Set(
    (process.env.SCHEDULES_DISABLED ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
  )
}

/**
 * The schedules with their effective crons, in definition order. Built on
 * each call (it is cheap) so a changed environment or a plugin loaded
 * later is seen. A duplicated name or an invalid cron is a configuration
 * error that names what to fix.
 */
export function listSchedules(): RegisteredSchedule[] {
  const disabled = disabledNames()
  const seen = new Set<string>()
  const schedules: RegisteredSchedule[] = []
  for (const definition of [...coreSchedules(), ...pluginSchedules()]) {
    if (seen.has(definition.name)) {
      throw new ScheduleConfigurationError(
        `two schedules are named "${definition.name}"; schedule names must be unique`
      )
    }
    seen.add(definition.name)
    const variable = cronOverrideVariable(definition.name)
    const override = process.env[variable]?.trim()
    const expression = override || definition.cron
    if (!cron.validate(expression)) {
      throw new ScheduleConfigurationError(
        override
          ? `${variable}="${override}" is not a valid cron expression`
          : `schedule "${definition.name}" has an invalid cron expression "${definition.cron}"`
      )
    }
    schedules.push({
      name: definition.name,
      description: definition.description,
      run: definition.run,
      cron: expression,
      cronOverriddenBy: override ? variable : null,
      disabled: disabled.has(definition.name),
    })
  }
  return schedules
}

/**
 * The schedules that fire on their cron.
 */
export function activeSchedules() {
  return listSchedules().filter((schedule) => !schedule.disabled)
}

export function findSchedule(name: string) {
  return listSchedules().find((schedule) => schedule.name === name) ?? null
}

/**
 * When a cron fires next (null when it never will), computed with
 * node-cron's own matcher through a task that is never started.
 */
export function nextFireTime(expression: string): Date | null {
  const probe = cron.createTask(expression, () => {})
  try {
    return probe.getNextRuns(1)[0] ?? null
  } finally {
    void probe.destroy()
  }
}
