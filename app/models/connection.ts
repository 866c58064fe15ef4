import { compose } from '@adonisjs/core/helpers'
import { belongsTo } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { ConnectionSchema } from '#database/schema'
import { withPublicId } from '#models/mixins/with_public_id'
import Organization from '#models/organization'
import { secretBox } from '#services/secret_box'
import type { ConnectionStatus } from '#plugin-sdk/types'

/**
 * An organisation's link to one provider account through a plugin.
 * Credentials are sealed (AES-256-GCM, bound to this row and column) and
 * only ever opened in memory; config is plain JSON.
 */
export default class Connection extends compose(ConnectionSchema, withPublicId('connection')) {
  declare status: ConnectionStatus

  @belongsTo(() => Organization)
  declare organization: BelongsTo<typeof Organization>

  get configValues(): Record<string, unknown> {
    return this.config ? (JSON.parse(this.config) as Record<string, unknown>) : {}
  }

  set configValues(values: Record<string, unknown>) {
    this.config = JSON.stringify(values)
  }

  /**
   * The decrypted credentials. Sealing needs the row id, so a new row is
   * saved first and its credentials written in the same transaction.
   */
  openCredentials(): Record<string, string> {
    if (!this.credentials) return {}
    const opened = secretBox().open(this.credentials, this.#purpose())
    return JSON.parse(opened) as Record<string, string>
  }

  sealCredentials(values: Record<string, string>) {
    this.credentials =
      Object.keys(values).length === 0
        ? null
        : secretBox().seal(JSON.stringify(values), this.#purpose())
  }

  #purpose() {
    if (!this.id) throw new Error('A connection must be saved before its credentials are sealed')
    return { table: 'connections', column: 'credentials', rowId: this.id }
  }
}
