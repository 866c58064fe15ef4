import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import { startAce, type AceProcess } from '#tests/helpers/processes'
import { waitFor } from '#tests/helpers/wait'

/**
 * The executions of the test-only "test:tick" schedule (config/schedules.ts),
 * counted by the schedule itself: each execution appends "<tick> <pid>" to
 * the file in SCHEDULE_TEST_TICK_LOG. Run records can say a tick ran once
 * while two processes executed it; this file cannot.
 */
export async function tickLog() {
  const directory = await mkdtemp(join(tmpdir(), 'sextant-ticks-'))
  const path = join(directory, 'ticks.log')
  return {
    env: { SCHEDULE_TEST_TICK_LOG: path },
    async executions(): Promise<Array<{ tick: string; pid: number }>> {
      const text = await readFile(path, 'utf8').catch(() => '')
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [tick, pid] = line.split(' ')
          return { tick, pid: Number(pid) }
        })
    },
    dispose: () => rm(directory, { recursive: true, force: true }),
  }
}

export type TickLog = Awaited<ReturnType<typeof tickLog>>

export function scheduleRuns(schedule: string) {
  return db.from('schedule_runs').where('schedule', schedule).orderBy('id')
}

/** the pid part of a run's host column ("<hostname>:<pid>") */
export function runPid(run: { host: string }) {
  return Number(run.host.split(':').at(-1))
}

/**
 * Starts `count` "node ace scheduler:run" processes firing test:tick every
 * second, waits until each has started, then until at least `ticks` ticks
 * are recorded and every scheduler has won at least one of them (or the
 * deadline passes), and stops them all.
 */
export async function raceSchedulers(options: {
  count: number
  ticks: number
  env: Record<string, string>
  timeoutMs?: number
}) {
  const env = { SCHEDULE_TEST_TICK: '* * * * * *', ...options.env }
  const schedulers: AceProcess[] = []
  for (let index = 0; index < options.count; index++) {
    schedulers.push(startAce(['scheduler:run'], env))
  }
  const exitCodes: Array<number | null> = []
  try {
    await waitFor(() => schedulers.every((s) => s.output().includes('Scheduler started')), {
      // two processes booting side by side: slow on a loaded machine
      timeoutMs: 90_000,
      what: 'every scheduler to start',
    })
    await waitFor(
      async () => {
        const runs = await scheduleRuns('test:tick')
        return runs.length >= options.ticks && new Set(runs.map(runPid)).size === options.count
      },
      {
        timeoutMs: options.timeoutMs ?? 40_000,
        intervalMs: 200,
        what: `${options.ticks} ticks with each of ${options.count} schedulers winning one`,
      }
    )
  } finally {
    for (const scheduler of schedulers) exitCodes.push(await scheduler.stop())
  }
  return { schedulers, exitCodes }
}

/**
 * What a race left: the recorded runs, the executions the schedule itself
 * counted, and the ticks each scheduler process won.
 */
export async function raceOutcome(log: TickLog) {
  const runs = await scheduleRuns('test:tick')
  const executions = await log.executions()
  return {
    runs,
    recordedTicks: runs.map((run) => run.tick as string).sort(),
    executedTicks: executions.map((execution) => execution.tick).sort(),
    /** executions by a process other than the one whose run claimed the tick */
    strayExecutions: executions.filter(
      (execution) =>
        runPid(runs.find((run) => run.tick === execution.tick) ?? { host: ':0' }) !== execution.pid
    ),
    winners: [...new Set(runs.map(runPid))].sort(),
  }
}
