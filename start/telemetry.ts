/*
|--------------------------------------------------------------------------
| Telemetry for ace commands
|--------------------------------------------------------------------------
|
| Every command that boots the application runs in one span, so what it
| does (a sync's pages, its SQL, the provider requests) is one trace.
| Long-running commands (queue:work, scheduler:run) are left out: their
| jobs and ticks are traces of their own. A queue:work process reports the
| depth of the queues it works (sextant.queue.depth).
|
*/
import { BaseCommand } from '@adonisjs/core/ace'
import { inSpan } from '#services/telemetry/tracing'
import { metricsEnabled, tracesEnabled } from '#services/telemetry/settings'
import { observeJobQueues } from '#services/telemetry/metrics'

if (tracesEnabled(process.env)) {
  const exec = BaseCommand.prototype.exec
  BaseCommand.prototype.exec = function tracedExec(this: BaseCommand) {
    const command = this.constructor as typeof BaseCommand
    if (command.options.staysAlive) return exec.call(this)
    return inSpan(`ace ${command.commandName}`, { 'ace.command': command.commandName }, () =>
      exec.call(this)
    )
  }
}

if (metricsEnabled(process.env)) {
  const exec = BaseCommand.prototype.exec
  BaseCommand.prototype.exec = async function measuredExec(this: BaseCommand) {
    const command = this.constructor as typeof BaseCommand
    if (command.commandName === 'queue:work') {
      const queues = (this as unknown as { queue?: string }).queue
      await observeJobQueues(queues ? queues.split(',').map((queue) => queue.trim()) : ['default'])
    }
    return exec.call(this)
  }
}
