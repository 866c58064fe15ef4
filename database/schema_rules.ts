import { type SchemaRules } from '@adonisjs/lucid/types/schema_generator'

/**
 * Primary and foreign keys never leave the server: generated schema
 * classes hide them from serialisation, and models expose "publicId"
 * (see app/models/mixins/with_public_id.ts) instead.
 */
const hiddenKey = {
  tsType: 'number',
  decorators: [{ name: '@column', args: { serializeAs: null } }],
}

export default {
  primaryKey: (_table, primaryKeys) => {
    const [columnName] = primaryKeys
    if (!columnName) return undefined
    return {
      columnName,
      columnInfo: {
        tsType: 'number',
        decorators: [{ name: '@column', args: { isPrimary: true, serializeAs: null } }],
      },
    }
  },
  columns: {
    organization_id: hiddenKey,
    user_id: hiddenKey,
  },
} satisfies SchemaRules
