import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import type { TokenProxyClient, registerTokenProxy } from '../client/index.ts'
import { startDemoServer, type RunningDemoServer } from '../demo/server/createDemoServer.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// An offline-first PWA (examples/pwa-app: vite-plugin-pwa injectManifest, its own Workbox worker
// with precaching, its own registerSW()) that also registers the token proxy.
const pwaBuildDir = fileURLToPath(new URL('../examples/pwa-app/dist', import.meta.url))

declare global {
  interface Window {
    // What examples/pwa-app/src/main.ts puts there.
    tokenProxy?: TokenProxyClient
    sessionEvents: string[]
    registerTokenProxy: typeof registerTokenProxy
  }
}

let pwa: RunningDemoServer
test.beforeEach(async () => {
  pwa = await startDemoServer({ staticDir: pwaBuildDir })
})
test.afterEach(async () => {
  await pwa.close().catch(() => undefined)
})

const scriptFetches = () => pwa.requestLog.filter(({ target }) => target === '/sw.js').length

async function openApp(page: Page): Promise<void> {
  await page.goto(`${pwa.origin}/`)
  await expect(page.locator('#state')).toHaveText('Ready')
}

test('beside vite-plugin-pwa’s own registration, a load fetches /sw.js no more than the browser’s own update check does', async ({
  context,
}) => {
  const page = await context.newPage()
  await openApp(page)
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${pwa.origin}/sw.js`)
  const afterInstall = scriptFetches()

  const loads = 3
  for (let load = 0; load < loads; load++) await openApp(page)
  // Two registrations that disagree on updateViaCache force a fetch each, on every load; agreeing,
  // the only fetch left is the browser's own update check after a navigation (at most one).
  expect(scriptFetches() - afterInstall).toBeLessThanOrEqual(loads)
  expect(await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.updateViaCache))).toBe(
    'imports',
  )

  expect((await logIn(page)).status).toBe(200)
  expect((await pageFetch(page, '/api/me')).status).toBe(200)
  expect(pwa.api.records.map(({ authorized }) => authorized)).toEqual([true])
})

test('an offline start resolves registerTokenProxy() with the active worker: status, events and logout work', async ({
  context,
}) => {
  const page = await context.newPage()
  await openApp(page)
  expect((await logIn(page)).status).toBe(200)

  // The server goes away: the shell comes from the precache, /sw.js cannot be fetched.
  await pwa.close()
  await openApp(page)
  expect(await page.evaluate(() => window.tokenProxy!.status().then(({ authenticated }) => authenticated))).toBe(true)

  // Registering with another updateViaCache forces a fetch of the script, which fails offline:
  // the worker that controls the page is used, and status() says why.
  const offline = await page.evaluate(async () => {
    const proxy = await window.registerTokenProxy({ url: '/sw.js', updateViaCache: 'none' })
    return proxy.status()
  })
  expect(offline).toMatchObject({ authenticated: true, registrationError: { code: 'ERR_REGISTRATION_FAILED' } })

  const other = await context.newPage()
  await openApp(other)
  await other.evaluate(() => window.tokenProxy!.logout())
  for (const tab of [page, other])
    await expect.poll(() => tab.evaluate(() => window.sessionEvents)).toEqual(['session-ended'])
  expect(await page.evaluate(() => window.tokenProxy!.status().then(({ authenticated }) => authenticated))).toBe(false)
})

test('a script the server answers wrongly is still a registration failure, although a worker controls the page', async ({
  context,
}) => {
  const page = await context.newPage()
  await openApp(page)
  // The server answers, with a page instead of the script (a misconfigured deploy): a real failure.
  pwa.pages.set('/sw.js', '<!doctype html><title>Not a script</title>')
  const failure = await page.evaluate(() =>
    window.registerTokenProxy({ url: '/sw.js', updateViaCache: 'none' }).then(
      () => 'resolved',
      (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
    ),
  )
  expect(failure).toMatch(/^ERR_REGISTRATION_FAILED: \[sw-token-proxy\] Failed to register the service worker \/sw\.js/)
})
