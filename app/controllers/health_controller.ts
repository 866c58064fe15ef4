import type { HttpContext } from '@adonisjs/core/http'

export default class HealthController {
  /**
   * Liveness: answers without touching the database, so a slow database
   * never gets a healthy process restarted.
   */
  async live({ response }: HttpContext) {
    response.header('Cache-Control', 'no-store')
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) }
  }

  /**
   * Readiness: 200 when every dependency answers, 503 otherwise.
   */
  async ready({ response }: HttpContext) {
    const { readinessChecks } = await import('#start/health')
    const report = await readinessChecks.run()
    response.header('Cache-Control', 'no-store')
    return response.status(report.isHealthy ? 200 : 503).send(report)
  }
}
