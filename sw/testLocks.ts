import type { Locks } from './SessionRefresher.js'

/**
 * A Web Lock stand-in for unit tests (not shipped: only tests import it): callbacks for the same
 * lock name run one after another, as `navigator.locks.request` runs them.
 */
export function createTestLocks(): Locks {
  const tails = new Map<string, Promise<unknown>>()
  return {
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const run = (tails.get(name) ?? Promise.resolve()).then(callback)
      tails.set(
        name,
        run.then(
          () => undefined,
          () => undefined,
        ),
      )
      return run
    },
  }
}
