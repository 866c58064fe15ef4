/**
 * What deleting an organisation's data would remove: shown by the
 * deletion commands before they ask, and returned by DeleteOrganizationData.
 */
export type TableCount = { table: string; rows: number }

export type DeletionPlan = {
  tables: TableCount[]
  connections: number
  snapshotsFolder: string | null
}
