/**
 * Waits for a condition instead of sleeping for a guessed time: polls
 * `condition` until it returns something truthy and returns that, or
 * fails after `timeoutMs` naming what it waited for (and the last value
 * seen, when `describe` says how to show it).
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: { timeoutMs: number; intervalMs?: number; what?: string }
): Promise<NonNullable<T>> {
  const deadline = Date.now() + options.timeoutMs
  for (;;) {
    const value = await condition()
    if (value) return value as NonNullable<T>
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.what ?? 'a condition'}`
      )
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50))
  }
}
