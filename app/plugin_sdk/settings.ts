/**
 * A plugin's environment variables, declared with their types and
 * defaults (`defineSettings`), so the loader can say what is missing
 * before anything fails: `plugins:list` and the Connections page list
 * the problems of a plugin that "needs configuration". Values are read
 * on every `get`, so a changed environment (a test, a restart with new
 * values) is seen without reloading the plugin.
 */

type VariableBase = {
  /** what the variable is, in an administrator's words ("the App ID") */
  description: string
  /**
   * The plugin cannot work without it. A required variable with
   * `orInstead` is satisfied by either of the two (a key inline or a
   * key file).
   */
  required?: boolean
  orInstead?: string
}

export type StringVariable = VariableBase & { type: 'string'; default?: string }
/** an http(s) URL; trailing slashes are removed */
export type UrlVariable = VariableBase & { type: 'url'; default?: string }
export type NumberVariable = VariableBase & { type: 'number'; default?: number; min?: number }
export type BooleanVariable = VariableBase & { type: 'boolean'; default?: boolean }

export type SettingVariable = StringVariable | UrlVariable | NumberVariable | BooleanVariable

export type SettingsSchema = Record<string, SettingVariable>

type TypeOf<V extends SettingVariable> = V extends NumberVariable
  ? number
  : V extends BooleanVariable
    ? boolean
    : string

/** a variable with a default is always a value; one without may be undefined */
export type SettingValue<V extends SettingVariable> = V extends { default: unknown }
  ? TypeOf<V>
  : TypeOf<V> | undefined

export interface PluginSettings<Schema extends SettingsSchema = SettingsSchema> {
  readonly schema: Schema
  /** the variable's value, or its default when it is unset or invalid */
  get<Name extends keyof Schema & string>(name: Name): SettingValue<Schema[Name]>
  /**
   * What an administrator still has to set or fix, one sentence each
   * naming the variable: unset required ones and values of the wrong
   * type. Empty when the plugin is fully configured.
   */
  problems(): SettingProblem[]
}

/** `message` is a sentence naming the variable */
export type SettingProblem = { variable: string; message: string }

const VARIABLE_NAME = /^[A-Z][A-Z0-9_]{1,63}$/
const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])

type Parsed = { value: unknown } | { problem: SettingProblem } | { unset: true }

function parse(name: string, variable: SettingVariable, raw: string | undefined): Parsed {
  const text = raw?.trim()
  if (!text) return { unset: true }
  const invalid = (message: string) => ({ problem: { variable: name, message } })
  switch (variable.type) {
    case 'number': {
      const value = Number(text)
      if (!Number.isFinite(value)) return invalid(`${name} must be a number (it is "${text}")`)
      if (variable.min !== undefined && value < variable.min) {
        return invalid(`${name} must be at least ${variable.min} (it is ${value})`)
      }
      return { value }
    }
    case 'boolean': {
      const lower = text.toLowerCase()
      if (TRUE.has(lower)) return { value: true }
      if (FALSE.has(lower)) return { value: false }
      return invalid(`${name} must be true or false (it is "${text}")`)
    }
    case 'url': {
      if (!/^https?:\/\/[^\s/]+/i.test(text) || !URL.canParse(text)) {
        return invalid(`${name} must be an http(s) URL (it is "${text}")`)
      }
      return { value: text.replace(/\/+$/, '') }
    }
    default:
      return { value: text }
  }
}

/**
 * Declares the environment variables a plugin reads. Pass the result to
 * definePlugin's `settings` and read values with `settings.get(NAME)`;
 * a plugin never reads `process.env` itself.
 */
export function defineSettings<const Schema extends SettingsSchema>(
  schema: Schema
): PluginSettings<Schema> {
  for (const [name, variable] of Object.entries(schema)) {
    if (!VARIABLE_NAME.test(name)) {
      throw new Error(`Setting "${name}" must be an upper-case environment variable name`)
    }
    if (variable.orInstead !== undefined && !(variable.orInstead in schema)) {
      throw new Error(`Setting ${name}: orInstead names "${variable.orInstead}", not declared`)
    }
  }
  const read = (name: string) => parse(name, schema[name], process.env[name])
  return {
    schema,
    get(name) {
      const parsed = read(name)
      return ('value' in parsed ? parsed.value : schema[name].default) as never
    },
    problems() {
      const problems: SettingProblem[] = []
      for (const [name, variable] of Object.entries(schema)) {
        const parsed = read(name)
        if ('problem' in parsed) problems.push(parsed.problem)
        if (!('unset' in parsed) || !variable.required) continue
        if (variable.orInstead && !('unset' in read(variable.orInstead))) continue
        const either = variable.orInstead ? ` (or ${variable.orInstead})` : ''
        problems.push({
          variable: name,
          message: `${name}${either} is not set: ${variable.description}`,
        })
      }
      return problems
    },
  }
}
