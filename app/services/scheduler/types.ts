export type ScheduleContext = {
  logger: import('@adonisjs/core/logger').Logger
  signal: AbortSignal
  trigger: 'schedule' | 'manual'
}
export type ScheduleDefinition = {
  name: string
  cron: string
  description: string
  run(context: ScheduleContext): Promise<string | void>
}
