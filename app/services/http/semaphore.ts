/**
 * Limits how many requests one client has in flight, so a sync fanning
 * out over many repositories stays polite to the provider.
 */
export class Semaphore {
  #available: number
  readonly #waiting: Array<() => void> = []

  constructor(permits: number) {
    this.#available = Math.max(1, Math.floor(permits))
  }

  /**
   * Resolves with a release function once a permit is free; rejects if
   * the signal aborts first.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted()
    if (this.#available > 0) {
      this.#available--
      return this.#releaser()
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort)
        resolve(this.#releaser())
      }
      const onAbort = () => {
        const index = this.#waiting.indexOf(grant)
        if (index !== -1) this.#waiting.splice(index, 1)
        reject(signal?.reason)
      }
      this.#waiting.push(grant)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /**
   * A release that only counts once, however often it is called. The
   * permit passes straight to the next waiter, so a newcomer cannot
   * overtake the queue.
   */
  #releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiting.shift()
      if (next) next()
      else this.#available++
    }
  }
}
