import db from '@adonisjs/lucid/services/db'
import { permissionTable, ROLES, type RoleName } from '#services/authorization'
import { pluginRegistry } from '#services/plugins/registry'

/**
 * Writes the default roles and permissions (app/services/authorization.ts,
 * and those the loaded plugins declare) into their tables. Idempotent: running it again changes nothing, and
 * running it after a release brings the tables in line with the code.
 */
export default class InitGroups {
  async execute() {
    await pluginRegistry.load()
    const table = permissionTable()
    return db.transaction(async (trx) => {
      const now = { roles: 0, permissions: 0, links: 0 }
      for (const { name, description } of table) {
        const existing = await trx.from('permissions').where('name', name).first()
        if (!existing) {
          await trx.table('permissions').insert({ name, description })
          now.permissions += 1
        } else if (existing.description !== description) {
          await trx.from('permissions').where('id', existing.id).update({ description })
        }
      }
      const permissionRows = await trx.from('permissions').select('id', 'name')
      const permissionIds = new Map<string, number>(
        permissionRows.map((row: any) => [row.name, Number(row.id)])
      )
      for (const [name, role] of Object.entries(ROLES) as [RoleName, (typeof ROLES)[RoleName]][]) {
        let existing = await trx.from('roles').where('name', name).first()
        const values = { label: role.label, description: role.description, rank: role.rank }
        if (!existing) {
          await trx.table('roles').insert({ name, ...values })
          existing = await trx.from('roles').where('name', name).first()
          now.roles += 1
        } else {
          await trx.from('roles').where('id', existing.id).update(values)
        }
        const roleId = Number(existing.id)
        const wanted = new Set(
          table
            .filter((permission) => permission.roles.includes(name))
            .map((permission) => permissionIds.get(permission.name)!)
        )
        const grants = await trx
          .from('role_permissions')
          .where('role_id', roleId)
          .select('permission_id')
        const current = new Set<number>(grants.map((row: any) => Number(row.permission_id)))
        for (const permissionId of wanted) {
          if (!current.has(permissionId)) {
            await trx
              .table('role_permissions')
              .insert({ role_id: roleId, permission_id: permissionId })
            now.links += 1
          }
        }
        const stale = [...current].filter((permissionId) => !wanted.has(permissionId))
        if (stale.length) {
          await trx
            .from('role_permissions')
            .where('role_id', roleId)
            .whereIn('permission_id', stale)
            .delete()
        }
      }
      return now
    })
  }
}
