import type { Page } from '@playwright/test'
import { formatMessage } from '../protocol/errors.js'
import { SESSION_DATABASE } from '../protocol/storage.js'
import { sessionStatus } from './tokenProxyState.js'

/**
 * Makes the worker treat the access token as expired now (and every API's own token, when `api`
 * entries name resources), so the next API request renews it
 * first, without waiting out a real lifetime (`page.clock` does not reach service workers).
 * Every engine.
 *
 * How: sets `expiresAt` in the session record in IndexedDB (which any same-origin script can
 * already write, see SECURITY.md), then asks the worker for its `STATUS`, which it answers by
 * reading the record again: from then on it works with the expired one. The token values stay
 * inside the page; nothing is returned to the test.
 */
export async function expireAccessToken(page: Page): Promise<void> {
  if (!(await page.evaluate(writeExpiredAccessToken, SESSION_DATABASE))) throw noSessionToExpire()
  await sessionStatus(page)
}

/**
 * The page half of `expireAccessToken`, for any driver that runs a function in a page: sets the
 * stored session's `expiresAt`, and each API's own token's, one second in the past (the page and
 * its worker share a clock).
 * Answers `false` when there is no session to expire. Self-contained (it is sent to the page as
 * source text, so it takes `SESSION_DATABASE` as its argument); follow it with a `STATUS`
 * message so the worker reads the record again.
 */
export async function writeExpiredAccessToken(where: { name: string; store: string; key: string }): Promise<boolean> {
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
        const record = read.result as
          | {
              tokens: { expiresAt: number | null; resourceTokens?: Record<string, { expiresAt: number | null }> } | null
            }
          | undefined
        if (!record?.tokens) return (db.close(), resolve(false))
        record.tokens.expiresAt = Date.now() - 1_000
        for (const token of Object.values(record.tokens.resourceTokens ?? {})) token.expiresAt = Date.now() - 1_000
        store.put(record, where.key).onsuccess = () => (db.close(), resolve(true))
      }
    }
  })
}

/** The error for `expireAccessToken` without a session. */
export function noSessionToExpire(): Error {
  return new Error(
    formatMessage(
      'expire the access token',
      'there is no session in this origin',
      'Log in first (or start the test from a logged-in storageState)',
    ),
  )
}
