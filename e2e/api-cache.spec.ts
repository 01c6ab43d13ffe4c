import type { Page } from '@playwright/test'
import { waitForTokenProxy } from '../playwright/index.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// The per-login API cache (Policy 15): /sw-cache.js keeps /api/ answers network first, per login.
test.use({ authOptions: { users: { alice: 'alice-pw', bob: 'bob-pw' } } })

/** A tab of the app whose worker is /sw-cache.js (and only that one: no other script registered). */
async function openCachingApp(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/workers.html?sw=/sw-cache.js`)
  await waitForTokenProxy(page)
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${origin}/sw-cache.js`)
}

/** Everything the page can read of CacheStorage: names, request URLs and headers, answers. */
function cacheStorage(page: Page) {
  return page.evaluate(async () => {
    const dump = []
    for (const name of await caches.keys()) {
      const cache = await caches.open(name)
      for (const request of await cache.keys()) {
        const response = await cache.match(request)
        dump.push({
          name,
          url: request.url,
          requestHeaders: [...request.headers],
          status: response?.status,
          responseHeaders: [...(response?.headers ?? [])],
          body: await response?.text(),
        })
      }
    }
    return dump
  })
}

/** Records, in the page, which API caches exist when each session message arrives. */
function recordCachesAtSessionMessages(page: Page) {
  return page.evaluate(() => {
    const seen: Array<{ type: string; caches: string[] }> = []
    ;(window as unknown as { seen: typeof seen }).seen = seen
    navigator.serviceWorker.addEventListener('message', (event: MessageEvent<{ type?: string }>) => {
      const type = event.data?.type ?? ''
      // Read at once: a deletion still under way would show here.
      void caches
        .keys()
        .then((names) => seen.push({ type, caches: names.filter((n) => n.startsWith('sw-token-proxy:api:')) }))
    })
  })
}

const seenAtMessages = (page: Page) =>
  page.evaluate(() => (window as unknown as { seen: Array<{ type: string; caches: string[] }> }).seen)

test('offline, the API answer comes from the cache of the login that fetched it; no token is in CacheStorage', async ({
  context,
  app,
}) => {
  const page = await context.newPage()
  await openCachingApp(page, app.origin)
  expect((await logIn(page, 'alice', 'alice-pw')).status).toBe(200)
  const online = await pageFetch(page, '/api/me')
  expect(online.status).toBe(200)
  await expect.poll(async () => (await cacheStorage(page)).length).toBe(1)

  app.network.down = true
  const offline = await pageFetch(page, '/api/me')
  expect(offline).toMatchObject({ status: 200, body: online.body })
  expect(JSON.parse(offline.body)).toMatchObject({ user: 'alice' })
  // What is not cached fails as it would without the worker.
  await expect(pageFetch(page, '/api/never-fetched')).rejects.toThrow()

  const stored = await cacheStorage(page)
  expect(stored).toEqual([
    expect.objectContaining({ url: `${app.origin}/api/me`, requestHeaders: [], status: 200, body: online.body }),
  ])
  const dump = JSON.stringify(stored)
  // Compared here, never printed: no token the server issued is anywhere in CacheStorage.
  expect(app.auth.issuedTokens.filter((token) => dump.includes(token)).length).toBe(0)
  expect(dump.toLowerCase()).not.toContain('authorization')
})

test('logout deletes the cache before any tab hears session-ended', async ({ app, context }) => {
  const page = await context.newPage()
  await openCachingApp(page, app.origin)
  const other = await context.newPage()
  await openCachingApp(other, app.origin)
  await logIn(page, 'alice', 'alice-pw')
  expect((await pageFetch(page, '/api/me')).status).toBe(200)
  await expect.poll(async () => (await cacheStorage(other)).length).toBe(1)
  for (const tab of [page, other]) await recordCachesAtSessionMessages(tab)

  await pageFetch(page, '/auth/logout', { method: 'POST' })
  for (const tab of [page, other])
    await expect.poll(() => seenAtMessages(tab)).toEqual([{ type: 'SESSION_ENDED', caches: [] }])
  expect(await cacheStorage(page)).toEqual([])

  // Offline now, nothing of the ended login is served.
  app.network.down = true
  await expect(pageFetch(page, '/api/me')).rejects.toThrow()
})

test('another login is never served the previous login’s answers', async ({ app, context }) => {
  const page = await context.newPage()
  await openCachingApp(page, app.origin)
  await logIn(page, 'alice', 'alice-pw')
  expect(JSON.parse((await pageFetch(page, '/api/me')).body)).toMatchObject({ user: 'alice' })
  await expect.poll(async () => (await cacheStorage(page)).length).toBe(1)
  await recordCachesAtSessionMessages(page)

  await logIn(page, 'bob', 'bob-pw')
  await expect.poll(() => seenAtMessages(page)).toEqual([{ type: 'SESSION_STARTED', caches: [] }])
  expect(await cacheStorage(page)).toEqual([])

  app.network.down = true
  await expect(pageFetch(page, '/api/me')).rejects.toThrow()
})

test('a 401 is never cached, and neither is an answer without a session', async ({ app, context }) => {
  const page = await context.newPage()
  await openCachingApp(page, app.origin)
  expect((await pageFetch(page, '/api/me')).status).toBe(401)
  await logIn(page, 'alice', 'alice-pw')
  app.api.failNext({ status: 401 }, 2)
  expect((await pageFetch(page, '/api/me')).status).toBe(401)
  expect(app.auth.counters.refreshes).toBe(1)
  expect(await cacheStorage(page)).toEqual([])
})
