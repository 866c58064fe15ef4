import { compose } from '@adonisjs/core/helpers'
import { randomInt } from 'node:crypto'
import { beforeCreate, column } from '@adonisjs/lucid/orm'
import { OrganizationSchema } from '#database/schema'
import { withPublicId } from '#models/mixins/with_public_id'

/**
 * A tenant. Every organisation-owned row carries its key, and every
 * query made for a signed-in user is scoped to one organisation.
 */
export default class Organization extends compose(
  OrganizationSchema,
  withPublicId('organization')
) {
  /**
   * Moved by every invalidation of the organisation's insights
   * (`invalidateInsights`): read with the organisation on each request, it
   * keys the pages' in-memory view models (`pageViewModel`) with the id.
   * It starts from a random value (`startInsightsGeneration`).
   */
  @column({ consume: (value) => Number(value ?? 0) })
  declare insightsGeneration: number

  /**
   * An id can come back (a database emptied or restored from a backup
   * while a process keeps its memory; the tests' reset): a random first
   * generation keeps a new organisation from matching the view models
   * remembered for an earlier one with the same id. Below 2^30, so a
   * billion invalidations still fit the 32-bit column.
   */
  @beforeCreate()
  static startInsightsGeneration(organization: Organization) {
    organization.insightsGeneration ??= randomInt(1, 2 ** 30)
  }

  // SQLite hands booleans back as 0/1.
  @column({ consume: (value) => Boolean(value) })
  declare isDemo: boolean

  /**
   * Members must have a second factor (the default, and the SOC-2 stance).
   */
  @column({ consume: (value) => Boolean(value) })
  declare mfaRequired: boolean

  /** the IANA time zone of the organisation's days, weeks and presets (insights) */
  @column()
  declare timeZone: string

  /** environment names that mean production (lower-case, comma-separated; DORA metrics) */
  @column()
  declare productionEnvironments: string

  /** whether bot-authored pull requests count in flow metrics (off by default) */
  @column({ consume: (value) => Boolean(value) })
  declare includeBotPullRequests: boolean

  /** whether the insights show figures per person (off by default: no leaderboards) */
  @column({ consume: (value) => Boolean(value) })
  declare perPersonFigures: boolean

  /** whether time to first review counts working hours only (off by default: calendar hours) */
  @column({ consume: (value) => Boolean(value) })
  declare workingHoursOnly: boolean

  /** ISO weekdays worked, comma-separated (1 = Monday) */
  @column()
  declare workingDays: string

  /** the working day's start and end, "HH:MM" in the organisation's time zone */
  @column()
  declare workingDayStarts: string

  @column()
  declare workingDayEnds: string
}
