/**
 * The process is shutting down (SIGTERM from systemd, Kubernetes, a
 * deploy). Long work that can stop cleanly at a boundary listens to this
 * signal: a sync stops between two pages with its cursor saved and is
 * queued again, instead of holding the worker until it is killed.
 */
const controller = new AbortController()

export class ShutdownInProgress extends Error {
  constructor(reason: string) {
    super(`The process is shutting down (${reason})`)
    this.name = 'ShutdownInProgress'
  }
}

export const shutdownSignal: AbortSignal = controller.signal

export function beginShutdown(reason: string) {
  if (!controller.signal.aborted) controller.abort(new ShutdownInProgress(reason))
}

/** whether an error (or the reason of an aborted signal) comes from the shutdown */
export function isShutdown(signal: AbortSignal) {
  return signal.aborted && signal.reason instanceof ShutdownInProgress
}

/** jobs running in this process, so a shutdown can wait for them */
const running = new Set<Promise<unknown>>()

/**
 * Runs a job's work so that a shutdown waits for it: the framework closes
 * the database after its terminating hooks, and a job cut off there would
 * neither finish nor go back to the queue.
 */
export async function asShutdownAware<T>(work: () => Promise<T>): Promise<T> {
  const promise = work()
  running.add(promise)
  try {
    return await promise
  } finally {
    running.delete(promise)
  }
}

/** resolves when the jobs running now have ended, or after `deadlineMs` */
export async function jobsSettled(deadlineMs: number) {
  if (running.size === 0) return true
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs)
    timer.unref()
  })
  const settled = Promise.allSettled([...running]).then(() => true)
  try {
    return await Promise.race([settled, timeout])
  } finally {
    clearTimeout(timer)
  }
}
