/**
 * Turns configuration failures into one line an operator can act on.
 * Kept apart from "start/env.ts" so it can be unit tested without
 * loading the environment.
 */
export class ConfigurationError extends Error {
  constructor(
    public variable: string,
    public problem: string
  ) {
    super(`${variable} ${problem}`)
  }
}

/**
 * The framework's validation error lists each failure on its own line
 * ('- Missing environment variable "APP_KEY"'); we fold them into one.
 */
export function describeEnvError(error: unknown): string | null {
  if (error instanceof ConfigurationError) {
    return `Configuration error: ${error.variable} ${error.problem}`
  }
  const envError = error as { code?: string; help?: string }
  if (envError?.code === 'E_INVALID_ENV_VARIABLES') {
    const problems = String(envError.help ?? '')
      .split('\n')
      .map((line) => line.replace(/^-\s*/, '').trim())
      .filter(Boolean)
    return `Configuration error: ${problems.join('; ') || 'invalid environment variables'}`
  }
  return null
}
