import { settingsChanged } from '#plugin-sdk/settings_changes'

/**
 * Sets environment variables for one test (or one benchmark run) and
 * returns the function that puts back what was there before (unset stays
 * unset). Both announce the change (settingsChanged), so what is derived
 * from plugin settings is rebuilt:
 *
 *   cleanup(withEnv({ FIXTURE_WEBHOOK_FAILING: 'true' }))
 */
export function withEnv(variables: Record<string, string | undefined>) {
  const previous = Object.fromEntries(
    Object.keys(variables).map((name) => [name, process.env[name]])
  )
  assign(variables)
  return () => assign(previous)
}

function assign(variables: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(variables)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  settingsChanged()
}
