import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import Membership from '#models/membership'
import Organization from '#models/organization'
import User from '#models/user'
import { createUserWithPassword } from '#services/passwords'
import InitGroups from '#actions/auth/init_groups'
import ApplyAiFactChanges from '#actions/ai_code/apply_ai_fact_changes'
import { FencedDomainStore } from '#services/domain/domain_store'
import { pluginRegistry } from '#services/plugins/registry'
import { populateInsightsDemoData } from '#actions/demo/insights_demo_data'
import { ensureSampleReferenceData } from '#actions/demo/insights_reference_data'
import { populateAiCodeDemoData } from '#actions/demo/ai_code_demo_data'

/**
 * The demo's insights: with the plugins' demo repositories (GitHub's five), 25
 * repositories in three products and six months of history.
 */
export const DEMO_INSIGHTS = {
  repositories: 20,
  pullRequests: 3000,
  months: 6,
  seed: 7,
  scoreDays: 60,
}

export const DEMO_ORGANIZATION = { slug: 'acme-demo', name: 'Acme Rockets (demo)' }

/**
 * The demo sign-in printed by "npm start". Development only: in
 * production no account with a published password is ever created.
 */
export const DEMO_USER = {
  email: 'ada@acme.example',
  password: 'Orbit-Sextant-Launch-2026',
  fullName: 'Ada (demo)',
}

export type PopulateDevDataResult = {
  created: boolean
  organization: Organization | null
  demoUser: { email: string; password: string } | null
}

/**
 * Fills the database with the demo organisation, its owner and each
 * plugin's demo history (PluginDeclarations.demo), then the
 * insights demo (products, deployments, issues, vulnerabilities, the
 * sample reference data, the rollup and scores) and the AI Code Monitor's
 * demo (facts, GBOMs, composition over time). Safe to run again and again: it only creates what is
 * missing and upserts the demo history by stable ids.
 */
export default class PopulateDevData {
  async execute(options: { onlyIfEmpty?: boolean } = {}): Promise<PopulateDevDataResult> {
    await new InitGroups().execute()
    const result = await this.#organizationAndOwner(options)
    if (result.organization) {
      await populatePluginDemoData(result.organization.id)
      await ensureSampleReferenceData()
      await populateInsightsDemoData(result.organization.id, DEMO_INSIGHTS)
      await populateAiCodeDemoData(result.organization.id)
    }
    return result
  }

  #organizationAndOwner(options: { onlyIfEmpty?: boolean }): Promise<PopulateDevDataResult> {
    return db.transaction(async (trx) => {
      if (options.onlyIfEmpty) {
        const existing = await Organization.query({ client: trx }).first()
        if (existing) return { created: false, organization: null, demoUser: null }
      }
      let organization = await Organization.query({ client: trx })
        .where('slug', DEMO_ORGANIZATION.slug)
        .first()
      const created = !organization
      if (!organization) {
        organization = await Organization.create(
          { ...DEMO_ORGANIZATION, isDemo: true },
          { client: trx }
        )
      }
      if (app.inProduction) return { created, organization, demoUser: null }

      let user = await User.query({ client: trx }).where('email', DEMO_USER.email).first()
      if (!user) {
        user = await createUserWithPassword(DEMO_USER, trx)
      }
      const membership = await Membership.query({ client: trx })
        .where('organization_id', organization.id)
        .where('user_id', user.id)
        .first()
      if (!membership) {
        await Membership.create(
          { organizationId: organization.id, userId: user.id, role: 'owner' },
          { client: trx }
        )
      }
      return {
        created,
        organization,
        demoUser: { email: DEMO_USER.email, password: DEMO_USER.password },
      }
    })
  }
}

/**
 * Each loaded plugin that declares a demo writes its history as its own
 * provider: the core writes no provider's rows itself.
 */
export async function populatePluginDemoData(organizationId: number, now = Date.now()) {
  await pluginRegistry.load()
  for (const plugin of pluginRegistry.loaded()) {
    if (!plugin.definition.demo) continue
    const store = new FencedDomainStore(
      { organizationId, provider: plugin.id, connectionId: null },
      undefined,
      undefined,
      async (_organizationId, changes) => {
        await new ApplyAiFactChanges().execute({ organizationId, changes })
      }
    )
    await plugin.definition.demo({ store, now })
  }
}
