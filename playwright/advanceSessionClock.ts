import type { Page } from '@playwright/test'
import { formatMessage } from '../protocol/errors.js'
import { SESSION_DATABASE } from '../protocol/storage.js'
import { sessionStatus, type SessionStatus } from './tokenProxyState.js'

/**
 * Moves the session clock (Policy 16, docs/behaviour.md) on by `seconds`, as if that long had
 * passed with nobody active in any tab, without waiting (`page.clock` does not reach service
 * workers): the idle timeout, the ceiling, the refresh token's lifetime and the access tokens'
 * expiry all come that much closer. Then asks the worker for its status, which it answers by
 * reading the record again and checking it: so a deadline passed ends the session (every tab
 * hears `session-expired`), and one inside its warning tells every tab `session-expiring`.
 * Answers that status. Every engine.
 *
 * How: moves the instants in the session record in IndexedDB back by `seconds` (any same-origin
 * script can already write it, see SECURITY.md). The token values stay inside the page.
 *
 * @example
 * ```ts no-check
 * await advanceSessionClock(page, 14 * 60) // idle for 14 of the 15 minutes
 * await expect.poll(() => sessionEventTypes(page)).toContain('session-expiring')
 * ```
 */
export async function advanceSessionClock(page: Page, seconds: number): Promise<SessionStatus> {
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(
      formatMessage(
        'advance the session clock',
        `${seconds} is not a number of seconds from 0 up`,
        'Pass how many seconds pass',
      ),
    )
  if (!(await page.evaluate(writeAdvancedClock, { where: SESSION_DATABASE, ms: seconds * 1000 })))
    throw new Error(
      formatMessage(
        'advance the session clock',
        'there is no session in this origin',
        'Log in first (or start the test from a logged-in storageState)',
      ),
    )
  return sessionStatus(page)
}

/**
 * The page half of `advanceSessionClock`: moves every instant of the stored session `ms` into the
 * past. Self-contained (it is sent to the page as source text). Answers `false` without a session.
 */
export async function writeAdvancedClock({
  where,
  ms,
}: {
  where: { name: string; store: string; key: string }
  ms: number
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
        type Instants = Record<string, unknown> & { resourceTokens?: Record<string, Record<string, unknown>> }
        const record = read.result as { tokens: Instants | null; lastActiveAt?: number } | undefined
        if (!record?.tokens) return (db.close(), resolve(false))
        const back = (holder: Record<string, unknown>, field: string) => {
          const value = holder[field]
          if (typeof value === 'number') holder[field] = value - ms
        }
        for (const field of ['expiresAt', 'receivedAt', 'refreshExpiresAt', 'signedInAt', 'providerEndsAt'])
          back(record.tokens, field)
        for (const token of Object.values(record.tokens.resourceTokens ?? {}))
          for (const field of ['expiresAt', 'receivedAt']) back(token, field)
        if (typeof record.lastActiveAt === 'number') record.lastActiveAt -= ms
        store.put(record, where.key).onsuccess = () => (db.close(), resolve(true))
      }
    }
  })
}
