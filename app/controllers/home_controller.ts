import { DateTime } from 'luxon'
import type { HttpContext } from '@adonisjs/core/http'
import { roleAllows } from '#services/authorization'
import { DEFAULT_PRESET, presetRange } from '#services/insights_pages/date_range'
import { executiveSummary } from '#services/insights_pages/executive_summary'

export default class HomeController {
  /**
   * The current organisation's overview: the score, the headline KPIs
   * and the top risks of the Executive Summary (the same cached
   * fragment), or how to get data in when there is none.
   */
  async index({ view, organization, membership }: HttpContext) {
    if (!organization || !membership || !roleAllows(membership.role, 'organization.view')) {
      return view.render('pages/home', { overview: null })
    }
    const range = presetRange(DEFAULT_PRESET, DateTime.utc())
    const summary = await executiveSummary(organization.id, range)
    return view.render('pages/home', { overview: { summary, range } })
  }
}
