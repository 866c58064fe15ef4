/**
 * A counter moved wherever plugin settings can change while a process
 * runs, so what is derived from them (the CSP form-action origins) is
 * rebuilt on a change instead of read again on every response. Settings
 * are environment variables: in a deployed process they change only with
 * a restart; in-process they change when the plugins load and when a
 * test or benchmark sets variables through `withEnv`. Code that writes
 * `process.env` another way must call `settingsChanged()` itself.
 *
 * Not part of the plugin SDK's public surface (`#plugin-sdk`): plugins
 * read settings, they never change them.
 */
let generation = 0

/** announces that plugin settings (or the set of loaded plugins) may have changed */
export function settingsChanged() {
  generation += 1
}

/** moves on every `settingsChanged()` */
export function settingsGeneration() {
  return generation
}
