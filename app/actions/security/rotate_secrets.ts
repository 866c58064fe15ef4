import db from '@adonisjs/lucid/services/db'
import { secretBox } from '#services/secret_box'
import { pluginRegistry } from '#services/plugins/registry'
import { declaredSealedColumns } from '#services/plugins/plugin_declarations'

/**
 * Where the core's sealed secrets live. Each entry names the table and
 * column, so the purpose bound into every ciphertext can be rebuilt.
 * Plugins declare their own (`sealedColumns` in their manifest).
 */
export const CORE_SEALED_COLUMNS = [
  { table: 'mfa_factors', column: 'secret' },
  { table: 'connections', column: 'credentials' },
  // per-connection webhook URLs' tokens (app/services/webhooks/connection_tokens.ts)
  { table: 'connections', column: 'webhook_token' },
  // OAuth tokens waiting for the user to pick the accounts to connect
  { table: 'oauth_account_choices', column: 'credentials' },
  // incoming-webhook URL insights alerts are posted to (app/services/agreements/alert_webhook.ts)
  { table: 'organizations', column: 'alert_webhook_url' },
] as const

/** the core's sealed columns, then every loaded plugin's declared ones */
export async function sealedColumns(): Promise<{ table: string; column: string }[]> {
  await pluginRegistry.load()
  return [
    ...CORE_SEALED_COLUMNS,
    ...declaredSealedColumns().map(({ table, column }) => ({ table, column })),
  ]
}

export type RotationReport = { table: string; column: string; rotated: number; current: number }[]

/**
 * Re-seals every secret with the newest SECRETS_ENCRYPTION_KEYS key, so
 * older keys can then be removed from the list. Each row is updated only
 * if it still holds the value that was read (a concurrent change wins).
 */
export default class RotateSecrets {
  async execute(onProgress?: (done: number) => void): Promise<RotationReport> {
    const box = secretBox()
    const report: RotationReport = []
    for (const { table, column } of await sealedColumns()) {
      // a plugin's table is absent while the plugin is disabled
      if (!(await db.connection().schema.hasTable(table))) continue
      let rotated = 0
      let current = 0
      let lastId = 0
      while (true) {
        const rows = await db
          .from(table)
          .where('id', '>', lastId)
          .whereNotNull(column)
          .orderBy('id')
          .limit(200)
          .select('id', column)
        if (rows.length === 0) break
        for (const row of rows) {
          lastId = Number(row.id)
          const sealed = row[column] as string
          if (!box.needsRotation(sealed)) {
            current += 1
            continue
          }
          const resealed = box.rotate(sealed, { table, column, rowId: row.id })
          await db
            .from(table)
            .where('id', row.id)
            .where(column, sealed)
            .update({ [column]: resealed })
          rotated += 1
          onProgress?.(rotated)
        }
      }
      report.push({ table, column, rotated, current })
    }
    return report
  }
}
