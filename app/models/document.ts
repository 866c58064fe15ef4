import { compose } from '@adonisjs/core/helpers'
import { belongsTo, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import { DocumentSchema } from '#database/schema'
import { withPublicId } from '#models/mixins/with_public_id'
import DocumentVersion from '#models/document_version'
import DocumentControlLink from '#models/document_control_link'
import User from '#models/user'
import type { DocumentCategory } from '#config/documents'

/**
 * An evidence document of one organisation. Its file lives in versions
 * (the newest is current); a deleted document is hidden at once and
 * purged after the retention period.
 */
export default class Document extends compose(DocumentSchema, withPublicId('document')) {
  declare category: DocumentCategory

  @hasMany(() => DocumentVersion)
  declare versions: HasMany<typeof DocumentVersion>

  @hasMany(() => DocumentControlLink)
  declare controlLinks: HasMany<typeof DocumentControlLink>

  @belongsTo(() => User, { foreignKey: 'uploadedById' })
  declare uploadedBy: BelongsTo<typeof User>

  /**
   * The newest version; the list and show actions preload versions
   * newest first.
   */
  get currentVersion(): DocumentVersion | null {
    return this.versions?.[0] ?? null
  }

  get controlCodes(): string[] {
    return (this.controlLinks ?? []).map((link) => link.controlCode).sort()
  }
}
