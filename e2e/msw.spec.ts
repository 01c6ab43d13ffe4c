import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import type { TokenProxyClient } from '../client/index.ts'
import { startDemoServer, type RunningDemoServer } from '../demo/server/createDemoServer.ts'
import { expireAccessToken } from '../playwright/index.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Mock Service Worker beside the token proxy, in one worker (examples/msw-app: msw's own
// mockServiceWorker.js loaded by installTokenProxyWithMsw() from sw-token-proxy/sw/msw). The page
// mocks GET /api/catalog; every other /api/ request reaches the demo server. Cases 44 and 45.
const mswBuildDir = fileURLToPath(new URL('../examples/msw-app/dist', import.meta.url))

declare global {
  interface Window {
    // What examples/msw-app/src/main.ts puts there.
    tokenProxy?: TokenProxyClient
    handlerSaw: Array<string | null>
    mswSaw: Array<{ path: string; authorization: string | null }>
  }
}

/** What a request carries to msw instead of the token. */
const PLACEHOLDER = /^Bearer sw-token-proxy\.[0-9a-f-]+$/

let app: RunningDemoServer
test.beforeEach(async () => {
  app = await startDemoServer({ staticDir: mswBuildDir })
})
test.afterEach(async () => {
  await app.close().catch(() => undefined)
})

async function openApp(page: Page): Promise<void> {
  await page.goto(`${app.origin}/`)
  await expect(page.locator('#state')).toHaveText('Ready')
}

test('case 46: msw’s mocks reach the page, their handlers see a placeholder, never the token; the rest reaches the server with it', async ({
  context,
}) => {
  const page = await context.newPage()
  await openApp(page)
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${app.origin}/sw.js`)
  expect((await logIn(page)).status).toBe(200)

  const mocked = await pageFetch(page, '/api/catalog')
  const real = await pageFetch(page, '/api/me')

  expect(mocked.status).toBe(200)
  expect(JSON.parse(mocked.body)).toEqual({ items: ['mocked tea', 'mocked cake'] })
  expect(real.status).toBe(200)
  const saw = await page.evaluate(() => window.handlerSaw)
  expect(saw).toHaveLength(1)
  expect(saw[0]).toMatch(PLACEHOLDER)
  // msw saw both API requests (the second it passed through), never the login.
  const mswSaw = await page.evaluate(() => window.mswSaw)
  expect(mswSaw.map(({ path }) => path)).toEqual(['/api/catalog', '/api/me'])
  expect(mswSaw.every(({ authorization }) => PLACEHOLDER.test(authorization ?? ''))).toBe(true)
  // The tokens the auth server issued: none of them ever reached the page's handlers.
  expect(app.auth.issuedTokens.length).toBeGreaterThan(0)
  expect(app.auth.issuedTokens.some((token) => JSON.stringify([saw, mswSaw]).includes(token))).toBe(false)
  // The mocked path never reached the server; the other one did, with the real, valid token.
  expect(
    app.api.records.map(({ path, authScheme, authorizationCount, authorized }) => ({
      path,
      authScheme,
      authorizationCount,
      authorized,
    })),
  ).toEqual([{ path: '/api/me', authScheme: 'Bearer', authorizationCount: 1, authorized: true }])
  expect(app.requestLog.filter(({ target }) => target.startsWith('/api/catalog'))).toEqual([])

  // msw unregisters its worker when its last tab goes (CLIENT_CLOSED), here the proxy's too: the
  // reloaded page registers it again, and the session in IndexedDB carries on without a login.
  await openApp(page)
  expect((await pageFetch(page, '/api/me')).status).toBe(200)
  expect(app.api.records.map(({ authorized }) => authorized)).toEqual([true, true])
  expect(app.requests.filter((request) => request === 'POST /auth/login')).toHaveLength(1)
})

test('case 47: after expiry, three tabs calling an endpoint msw passes through make exactly one refresh', async ({
  context,
}) => {
  const tabs = [await context.newPage(), await context.newPage(), await context.newPage()]
  for (const tab of tabs) await openApp(tab)
  expect((await logIn(tabs[0]!)).status).toBe(200)
  await expireAccessToken(tabs[0]!)

  const answers = await Promise.all(tabs.map((tab) => pageFetch(tab, '/api/me')))

  expect(answers.map(({ status }) => status)).toEqual([200, 200, 200])
  expect(app.auth.refreshLog).toHaveLength(1)
  const calls = app.api.records.filter(({ path }) => path === '/api/me')
  expect(calls).toHaveLength(3)
  expect(calls.every(({ authScheme, authorized }) => authScheme === 'Bearer' && authorized)).toBe(true)
  // Each tab's call went through msw (passed through, with the placeholder); no page saw a token.
  const mswSaw = await Promise.all(tabs.map((tab) => tab.evaluate(() => window.mswSaw)))
  for (const saw of mswSaw) {
    expect(saw.map(({ path }) => path)).toEqual(['/api/me'])
    expect(saw[0]!.authorization).toMatch(PLACEHOLDER)
  }
  expect(app.auth.issuedTokens.some((token) => JSON.stringify(mswSaw).includes(token))).toBe(false)
  for (const tab of tabs) expect(await tab.evaluate(() => window.handlerSaw)).toEqual([])
})
