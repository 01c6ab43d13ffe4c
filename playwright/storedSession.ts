import { formatMessage } from '../protocol/errors.js'
import type { SESSION_DATABASE } from '../protocol/storage.js'

/** What `rewriteStoredSession` does to the stored session. */
export type StoredSessionChange =
  /** The access tokens (the session's own and every API's) expire one second ago. */
  | { expireAccessTokens: true }
  /** Every instant of the session (tokens, deadlines, last activity) moves this far into the past. */
  | { moveBackMs: number }

/**
 * The page half of `expireAccessToken` and `advanceSessionClock`, for any driver that runs a
 * function in a page: rewrites the session record in IndexedDB (the page and its worker share a
 * clock), which any same-origin script can already do (see SECURITY.md). Self-contained: it is sent
 * to the page as source text, so it takes where the record lives as its argument. Answers `false`
 * when there is no session. Follow it with a `STATUS` message, so the worker reads the record again.
 */
export async function rewriteStoredSession({
  where,
  change,
}: {
  where: typeof SESSION_DATABASE
  change: StoredSessionChange
}): Promise<boolean> {
  // Opening a database that does not exist would create it empty, under the worker's feet.
  if (!(await indexedDB.databases()).some((database) => database.name === where.name)) return false
  return new Promise<boolean>((resolve, reject) => {
    const open = indexedDB.open(where.name)
    open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'))
    open.onsuccess = () => {
      const db = open.result
      if (!db.objectStoreNames.contains(where.store)) return (db.close(), resolve(false))
      const store = db.transaction(where.store, 'readwrite').objectStore(where.store)
      const read = store.get(where.key)
      read.onsuccess = () => {
        type Instants = Record<string, unknown>
        const record = read.result as
          | { tokens: (Instants & { resourceTokens?: Record<string, Instants> }) | null; lastActiveAt?: number }
          | undefined
        if (!record?.tokens) return (db.close(), resolve(false))
        const { tokens } = record
        const apiTokens = Object.values(tokens.resourceTokens ?? {})
        if ('expireAccessTokens' in change) {
          for (const token of [tokens, ...apiTokens]) token['expiresAt'] = Date.now() - 1_000
        } else {
          const back = (holder: Instants, field: string) => {
            const value = holder[field]
            if (typeof value === 'number') holder[field] = value - change.moveBackMs
          }
          for (const field of ['expiresAt', 'receivedAt', 'refreshExpiresAt', 'signedInAt', 'providerEndsAt'])
            back(tokens, field)
          for (const token of apiTokens) for (const field of ['expiresAt', 'receivedAt']) back(token, field)
          back(record, 'lastActiveAt')
        }
        store.put(record, where.key).onsuccess = () => (db.close(), resolve(true))
      }
    }
  })
}

/** The error for a helper that needs a session where there is none. */
export function noStoredSession(action: string): Error {
  return new Error(
    formatMessage(
      action,
      'there is no session in this origin',
      'Log in first (or start the test from a logged-in storageState)',
    ),
  )
}
