import Organization from '#models/organization'

/**
 * One organisation by its public id; a malformed or unknown id is a 404.
 */
export default class GetOrganization {
  async execute(publicId: string) {
    return Organization.findByPublicIdOrFail(publicId)
  }
}
