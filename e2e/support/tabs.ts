import type { Page } from '@playwright/test'
import { SESSION_DATABASE } from '../../protocol/storage.ts'

export interface PageResponse {
  status: number
  body: string
}

/** A plain `fetch` from the page, exactly as application code writes it. */
export function pageFetch(
  page: Page,
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string>; mode?: RequestMode } = {},
): Promise<PageResponse> {
  return page.evaluate(
    async ([url, init]) => {
      const response = await fetch(url, init)
      return { status: response.status, body: await response.text() }
    },
    [url, init] as const,
  )
}

/** Logs in with a plain `fetch`, as an app does; answers what the page received. */
export async function logIn(
  page: Page,
  username = 'demo',
  password = 'demo',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await pageFetch(page, '/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown> }
}

interface StoredSessionView {
  generation: number
  hasTokens: boolean
  /** A digest of the stored tokens, computed in the page: the test never holds a token. */
  tokensDigest: string | null
}

/** The session record in IndexedDB as a page script can read it (Policy 2: it can). */
function viewStoredSession(page: Page): Promise<StoredSessionView | null> {
  return page.evaluate(async (where) => {
    // Opening a database that does not exist would create it empty; only open one the worker made.
    if (!(await indexedDB.databases()).some((database) => database.name === where.name)) return null
    const record = await new Promise<{ generation: number; tokens: unknown } | undefined>((resolve, reject) => {
      const open = indexedDB.open(where.name)
      open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'))
      open.onsuccess = () => {
        const db = open.result
        if (!db.objectStoreNames.contains(where.store)) return (db.close(), resolve(undefined))
        const get = db.transaction(where.store).objectStore(where.store).get(where.key)
        get.onsuccess = () => (db.close(), resolve(get.result as { generation: number; tokens: unknown } | undefined))
      }
    })
    if (!record) return null
    const digest = async (value: unknown) =>
      [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(value))))]
        .map((byte) => byte.toString(16).padStart(2, '0'))
        .join('')
    return {
      generation: record.generation,
      hasTokens: record.tokens !== null,
      tokensDigest: record.tokens === null ? null : await digest(record.tokens),
    }
  }, SESSION_DATABASE)
}

/** The stored session's generation and whether it holds tokens; `null` before the worker stored one. */
export async function readStoredSession(page: Page): Promise<{ generation: number; hasTokens: boolean } | null> {
  const view = await viewStoredSession(page)
  return view && { generation: view.generation, hasTokens: view.hasTokens }
}

/** A digest of the stored tokens, to prove "byte-identical" without holding a token; `null` without a session. */
export async function storedTokensDigest(page: Page): Promise<string | null> {
  return (await viewStoredSession(page))?.tokensDigest ?? null
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
