import { compose } from '@adonisjs/core/helpers'
import { OrganizationSchema } from '#database/schema'
import { withPublicId } from '#models/mixins/with_public_id'

/**
 * A tenant. Every organisation-owned row carries its key, and every
 * query made for a signed-in user is scoped to one organisation.
 */
export default class Organization extends compose(
  OrganizationSchema,
  withPublicId('organization')
) {}
