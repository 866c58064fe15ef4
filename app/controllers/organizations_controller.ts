import type { HttpContext } from '@adonisjs/core/http'
import GetOrganization from '#actions/organizations/get_organization'

export default class OrganizationsController {
  async show({ params, view }: HttpContext) {
    const organization = await new GetOrganization().execute(params.organization)
    return view.render('pages/organizations/show', { organization })
  }
}
