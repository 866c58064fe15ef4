import logger from '@adonisjs/core/services/logger'
import lock from '@adonisjs/lock/services/main'

export type KeptAliveLock = { release(): Promise<void> }

/**
 * Takes `key` now or not at all. While held, the lock is renewed every
 * third of its lifetime, so it never lapses under a live holder; if the
 * holder dies (killed, out of memory) it lapses on its own within
 * `ttlMs`, and the next run may start.
 */
export async function acquireKeptAlive(key: string, ttlMs: number): Promise<KeptAliveLock | null> {
  const held = lock.createLock(key, ttlMs)
  if (!(await held.acquireImmediately())) return null
  const renewal = setInterval(
    () => {
      held.extend(ttlMs).catch((error) => {
        logger.warn({ err: error, lock: key }, 'a held lock could not be renewed')
      })
    },
    Math.max(250, Math.floor(ttlMs / 3))
  )
  renewal.unref()
  return {
    async release() {
      clearInterval(renewal)
      await held.release().catch(() => {
        // Expired and possibly taken over: nothing of ours left to release.
      })
    },
  }
}
