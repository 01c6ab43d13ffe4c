import type { Browser, BrowserContext, Page } from '@playwright/test'
import { demoBuildDir } from '../demo/server/demoBuildDir.ts'
import { IDB_FLOOR_DATABASE, startBenchServer, type BenchServer, type BenchWorker } from './benchServer.ts'

/** One variant's origin, browser context and page, controlled by the variant's worker (if any). */
export interface Tab {
  server: BenchServer
  context: BrowserContext
  page: Page
}

/**
 * tsx compiles the benchmark with esbuild's keepNames, which wraps named functions inside the
 * callbacks given to `page.evaluate` in a `__name()` helper that pages do not have.
 */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext()
  await context.addInitScript('globalThis.__name = (fn) => fn')
  return context
}

export async function openVariant(
  browser: Browser,
  variant: BenchWorker,
  auth: Parameters<typeof startBenchServer>[2] = {},
): Promise<Tab> {
  // The DPoP worker needs a server that binds its tokens (and accepts its proofs). The floors'
  // tokens are never refreshed: they live for the whole run, so a check after it finds them valid.
  const options =
    variant === 'dpop'
      ? { ...auth, dpop: true }
      : variant === 'header-only' || variant === 'idb-floor'
        ? { accessTtlSeconds: 24 * 3600, ...auth }
        : auth
  const server = await startBenchServer(variant, demoBuildDir, options)
  const context = await newContext(browser)
  const page = await context.newPage()
  await page.goto(`${server.origin}/bench/page.html`)
  await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'yes')
  if (variant === 'proxy' || variant === 'proxy-log' || variant === 'dpop') await logInThroughWorker(page)
  if (variant === 'idb-floor') await seedIdbFloor(page)
  return { server, context, page }
}

/**
 * Logs in from the page (the `idb-floor` worker does not own `/auth/`) and writes the session
 * record the worker reads on its first request after a start, shaped like the proxy's.
 */
async function seedIdbFloor(page: Page): Promise<void> {
  await page.evaluate(async (database) => {
    const response = await fetch('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"username":"demo","password":"demo"}',
    })
    if (!response.ok) throw new Error(`login answered ${response.status}`)
    const tokens = (await response.json()) as { access_token: string; refresh_token: string; expires_in: number }
    const record = {
      generation: 1,
      tokens: {
        loginId: crypto.randomUUID(),
        issuedBy: '/auth/refresh',
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        idToken: undefined,
        expiresAt: Date.now() + tokens.expires_in * 1000,
        receivedAt: Date.now(),
      },
    }
    await new Promise<void>((resolve, reject) => {
      const opening = indexedDB.open(database.name, 1)
      opening.onupgradeneeded = () => opening.result.createObjectStore(database.store)
      opening.onerror = () => reject(opening.error ?? new Error('indexedDB.open failed'))
      opening.onsuccess = () => {
        const db = opening.result
        const writing = db.transaction(database.store, 'readwrite')
        writing.objectStore(database.store).put(record, database.key)
        writing.oncomplete = () => {
          db.close()
          resolve()
        }
        writing.onerror = () => reject(writing.error ?? new Error('the write failed'))
      }
    })
  }, IDB_FLOOR_DATABASE)
}

/**
 * Whether the tab's worker adds a token the server accepts: one ordinary API call (the benchmark
 * endpoints record nothing), read from the server's record of it.
 */
export async function sendsValidToken(tab: Tab): Promise<boolean> {
  await tab.page.evaluate(async () => (await fetch('/api/bench-check')).arrayBuffer())
  const record = tab.server.api.records.at(-1)
  return record?.path === '/api/bench-check' && record.authorized && record.authorizationCount === 1
}

export async function logInThroughWorker(page: Page): Promise<void> {
  const status = await page.evaluate(
    async () =>
      (
        await fetch('/auth/login', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"username":"demo","password":"demo"}',
        })
      ).status,
  )
  if (status !== 200) throw new Error(`login answered ${status}`)
}

export async function closeTab(tab: Tab): Promise<void> {
  await tab.context.close()
  await tab.server.close()
}
