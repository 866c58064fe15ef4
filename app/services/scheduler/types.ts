export type ScheduleContext = {
  logger: import('@adonisjs/core/logger').Logger
  signal: AbortSignal
  trigger: 'schedule' | 'manual'
  /** the cron slot this run claimed (a unique one for manual runs) */
  tick: string
}
export type ScheduleDefinition = {
  name: string
  cron: string
  description: string
  run(context: ScheduleContext): Promise<string | void>
}
