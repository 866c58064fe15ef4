import db from '@adonisjs/lucid/services/db'
import Organization from '#models/organization'

export const DEMO_ORGANIZATION = { slug: 'acme-demo', name: 'Acme Rockets (demo)' }

export type PopulateDevDataResult = { created: boolean; organization: Organization | null }

/**
 * Fills the database with the demo organisation (later issues add its
 * repositories, pull requests and scores). Safe to run again and again:
 * it only creates what is missing.
 */
export default class PopulateDevData {
  async execute(options: { onlyIfEmpty?: boolean } = {}): Promise<PopulateDevDataResult> {
    return db.transaction(async (trx) => {
      if (options.onlyIfEmpty) {
        const existing = await Organization.query({ client: trx }).first()
        if (existing) return { created: false, organization: null }
      }
      const found = await Organization.query({ client: trx })
        .where('slug', DEMO_ORGANIZATION.slug)
        .first()
      if (found) return { created: false, organization: found }
      const organization = await Organization.create(
        { ...DEMO_ORGANIZATION, isDemo: true },
        { client: trx }
      )
      return { created: true, organization }
    })
  }
}
