import type { Page } from '@playwright/test'

export interface PageResponse {
  status: number
  body: string
}

/** A plain `fetch` from the page, exactly as application code writes it. */
export function pageFetch(page: Page, url: string, init: { method?: string; body?: string; headers?: Record<string, string>; mode?: RequestMode } = {}): Promise<PageResponse> {
  return page.evaluate(async ([url, init]) => {
    const response = await fetch(url, init)
    return { status: response.status, body: await response.text() }
  }, [url, init] as const)
}

/** Logs in with a plain `fetch`, as an app does; answers what the page received. */
export async function logIn(page: Page, username = 'demo', password = 'demo'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await pageFetch(page, '/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown> }
}

/** The session record in IndexedDB as a page script could read it (Policy 2: it can). */
export function readStoredSession(page: Page): Promise<{ generation: number; hasTokens: boolean } | null> {
  return page.evaluate(async () => {
    // Opening a database that does not exist would create it empty; only open one the worker made.
    if (!(await indexedDB.databases()).some((database) => database.name === 'sw-token-proxy')) return null
    return new Promise((resolve, reject) => {
        const open = indexedDB.open('sw-token-proxy')
        open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'))
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('session')) return resolve(null)
          const get = db.transaction('session').objectStore('session').get('current')
          get.onsuccess = () => {
            const record = get.result as { generation: number; tokens: unknown } | undefined
            db.close()
            resolve(record ? { generation: record.generation, hasTokens: record.tokens !== null } : null)
          }
        }
      })
  })
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A digest of the stored tokens, computed in the page: proves "byte-identical" without the test
 * ever holding a token. `null` when there is no session.
 */
export function storedTokensDigest(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((database) => database.name === 'sw-token-proxy')) return null
    const tokens = await new Promise<unknown>((resolve, reject) => {
      const open = indexedDB.open('sw-token-proxy')
      open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'))
      open.onsuccess = () => {
        const get = open.result.transaction('session').objectStore('session').get('current')
        get.onsuccess = () => {
          open.result.close()
          resolve((get.result as { tokens: unknown } | undefined)?.tokens ?? null)
        }
      }
    })
    if (tokens === null) return null
    const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(tokens)))
    return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
  })
}

