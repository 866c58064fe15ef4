import { Job, exponentialBackoff } from '@adonisjs/queue'
import type { JobOptions } from '@adonisjs/queue/types'
import env from '#start/env'
import RunPluginHook from '#actions/plugins/run_plugin_hook'

type RunPluginHookPayload = { runId: number }

/**
 * Runs a plugin's lifecycle hook (onConnected, onDisconnecting) or core
 * event handler in a worker, never in the user's request. A failure is
 * retried with backoff; after the last attempt the run stays "failed",
 * shown on the connection's page with a Retry button.
 */
export default class RunPluginHookJob extends Job<RunPluginHookPayload> {
  static options: JobOptions = {
    queue: 'default',
    maxRetries: 3,
    retry: {
      maxRetries: 3,
      backoff: exponentialBackoff({
        baseDelay: env.get('PLUGIN_HOOK_RETRY_DELAY', '5s'),
        maxDelay: '5m',
      }),
    },
  }

  async execute() {
    await new RunPluginHook().execute(this.payload.runId)
  }
}
