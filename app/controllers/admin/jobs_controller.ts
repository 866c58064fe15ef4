import type { HttpContext } from '@adonisjs/core/http'
import ListSchedules from '#actions/schedules/list_schedules'
import RunSchedule from '#actions/schedules/run_schedule'
import sextantConfig from '#config/sextant'

const RUNS_PER_SCHEDULE = 5

/**
 * The admin Jobs page: schedules, their recent runs and "Run now".
 */
export default class JobsController {
  async index(ctx: HttpContext) {
    const schedules = await new ListSchedules().execute({ runsPerSchedule: RUNS_PER_SCHEDULE })
    return ctx.view.render(ctx.htmx.wantsPartial ? 'partials/admin_jobs' : 'pages/admin/jobs', {
      schedules,
    })
  }

  async run(ctx: HttpContext) {
    const name = ctx.params.schedule
    // an unknown name is an UnknownScheduleException (404), rendered by the handler
    const outcome = await new RunSchedule().execute({ name, trigger: 'manual' })
    if (!outcome) {
      ctx.session.flash('info', `${name} was already started by a scheduler.`)
    } else if (outcome.status === 'succeeded') {
      ctx.session.flash('success', `${name} ran: ${outcome.output ?? 'done'}`)
    } else if (outcome.status === 'skipped') {
      ctx.session.flash('info', `${name} was skipped: ${outcome.output}`)
    } else {
      ctx.session.flash('error', `${name} failed: ${outcome.error}`)
    }
    return ctx.response.redirect(`${sextantConfig.auth.adminPath}/jobs`)
  }
}
