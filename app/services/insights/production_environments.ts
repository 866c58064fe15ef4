/**
 * The organisation's production mapping: which environment names its
 * DORA metrics count as production (Organisation settings). Stored
 * lower-case and comma-separated; a deployment's environment, trimmed
 * and lower-cased, must equal one of them exactly (`productionDeployment`
 * in rollup_sql.ts), and a deployment without an environment counts too.
 */
const NAME = /^[a-z0-9][a-z0-9 ._/-]{0,63}$/
export const MAX_ENVIRONMENT_NAMES = 20

/** the names of a comma-separated list, trimmed, lower-cased, deduplicated; null when one is not a name */
export function parseEnvironmentNames(text: string): string[] | null {
  const names = [
    ...new Set(
      text
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== '')
    ),
  ]
  if (names.length === 0 || names.length > MAX_ENVIRONMENT_NAMES) return null
  return names.every((name) => NAME.test(name)) ? names : null
}

/** how the list is shown in the settings form */
export function formatEnvironmentNames(stored: string): string {
  return stored.split(',').join(', ')
}
