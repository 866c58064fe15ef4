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
const nullableHiddenKey = {
  tsType: 'number | null',
  decorators: [{ name: '@column', args: { serializeAs: null } }],
}

/**
 * Password hashes, sealed secrets and token digests never serialise.
 */
const hiddenSecret = {
  tsType: 'string',
  decorators: [{ name: '@column', args: { serializeAs: null } }],
}
const nullableHiddenSecret = {
  tsType: 'string | null',
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
    tokenable_id: hiddenKey,
    role_id: hiddenKey,
    permission_id: hiddenKey,
    actor_id: nullableHiddenKey,
    invited_by_id: nullableHiddenKey,
    document_id: hiddenKey,
    uploaded_by_id: nullableHiddenKey,
    deleted_by_id: nullableHiddenKey,
    password: hiddenSecret,
    password_hash: hiddenSecret,
    code_hash: hiddenSecret,
    token_hash: hiddenSecret,
    hash: hiddenSecret,
  },
  tables: {
    audit_events: { columns: { organization_id: nullableHiddenKey } },
    mfa_factors: { columns: { secret: nullableHiddenSecret } },
  },
} satisfies SchemaRules
