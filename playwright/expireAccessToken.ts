import type { Page } from '@playwright/test'
import { stopServiceWorker } from './browserControls.js'

/**
 * Makes the worker treat the access token as expired now (and every API's own token, when `api`
 * entries name resources), so the next API request renews it
 * first, without waiting out a real lifetime (`page.clock` does not reach service workers).
 *
 * How: sets `expiresAt` in the session record in IndexedDB (which any same-origin script can
 * already write, see SECURITY.md) and stops the worker, which reads the record back on its next
 * request. The token values stay inside the page; nothing is returned to the test.
 */
export async function expireAccessToken(page: Page): Promise<void> {
  const expired = await page.evaluate(
    () =>
      new Promise<boolean>((resolve, reject) => {
        const open = indexedDB.open('sw-token-proxy')
        open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'))
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('session')) return (db.close(), resolve(false))
          const store = db.transaction('session', 'readwrite').objectStore('session')
          const read = store.get('current')
          read.onsuccess = () => {
            const record = read.result as { tokens: { expiresAt: number | null; resourceTokens?: Record<string, { expiresAt: number | null }> } | null } | undefined
            if (!record?.tokens) return (db.close(), resolve(false))
            record.tokens.expiresAt = Date.now() - 1_000
            for (const token of Object.values(record.tokens.resourceTokens ?? {})) token.expiresAt = Date.now() - 1_000
            store.put(record, 'current').onsuccess = () => (db.close(), resolve(true))
          }
        }
      }),
  )
  if (!expired) {
    throw new Error('[sw-token-proxy] Failed to expire the access token: there is no session in this origin. Log in first (or start the test from a logged-in storageState).')
  }
  await stopServiceWorker(page)
}
