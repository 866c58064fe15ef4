import type { HttpContext } from '@adonisjs/core/http'
import ListOrganizations from '#actions/organizations/list_organizations'
import { listOrganizationsValidator } from '#validators/organization'

export default class HomeController {
  /**
   * The organisation list; an htmx search request gets only the list.
   */
  async index({ request, view, htmx }: HttpContext) {
    const filters = await request.validateUsing(listOrganizationsValidator, { data: request.qs() })
    const organizations = await new ListOrganizations().execute({
      search: filters.q,
      page: filters.page,
    })
    organizations.baseUrl('/').queryString(filters.q ? { q: filters.q } : {})
    const data = { organizations, search: filters.q ?? '' }
    return view.render(htmx.wantsPartial ? 'partials/organization_list' : 'pages/home', data)
  }
}
