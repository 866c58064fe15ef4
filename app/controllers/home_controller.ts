import type { HttpContext } from '@adonisjs/core/http'

export default class HomeController {
  /**
   * The current organisation's overview (dashboards arrive with the
   * insights work).
   */
  async index({ view }: HttpContext) {
    return view.render('pages/home')
  }
}
