import { fileURLToPath } from 'node:url'
import { createServer, type ViteDevServer } from 'vite'
import type { TokenProxyClient } from '../client/index.ts'
import { startDemoServer, type RunningDemoServer } from '../demo/server/createDemoServer.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// The offline-first PWA (examples/pwa-app) under `vite` (dev): vite-plugin-pwa's dev worker
// (devOptions: { enabled: true, type: 'module' }) is src/sw.ts served as an ES module at
// /dev-sw.js?dev-sw, registered by registerSW() and registerTokenProxy() alike; the dev server
// forwards /api and /auth to the backend (server.proxy).
const config = fileURLToPath(new URL('../examples/pwa-app/vite.config.ts', import.meta.url))
// Kept between runs (outside test-results/e2e, which Playwright empties): pre-bundling is the slow part.
const cacheDir = fileURLToPath(new URL('../test-results/pwa-app-vite-cache', import.meta.url))

let backend: RunningDemoServer
let vite: ViteDevServer
let origin: string
test.beforeEach(async () => {
  backend = await startDemoServer()
  vite = await createServer({
    configFile: config,
    cacheDir,
    logLevel: 'warn',
    clearScreen: false,
    server: {
      host: '127.0.0.1',
      port: 0,
      proxy: { '/api': backend.origin, '/auth': backend.origin },
    },
  })
  await vite.listen()
  const address = vite.httpServer!.address()
  if (address === null || typeof address === 'string') throw new Error('the dev server has no port')
  // localhost, as the app's origin everywhere in the suite (a secure context either way).
  origin = `http://localhost:${address.port}`
})
test.afterEach(async () => {
  await vite.close()
  await backend.close()
})

declare global {
  interface Window {
    tokenProxy?: TokenProxyClient
  }
}

test('under vite (dev) the plugin’s module worker is the token proxy: login through the dev server, the API sees the token', async ({
  context,
}) => {
  const page = await context.newPage()
  await page.goto(`${origin}/`)
  await expect(page.locator('#state')).toHaveText('Ready')
  expect(
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration()
      return { controller: navigator.serviceWorker.controller?.scriptURL, scope: registration?.scope }
    }),
  ).toEqual({ controller: `${origin}/dev-sw.js?dev-sw`, scope: `${origin}/` })

  expect((await logIn(page)).status).toBe(200)
  expect((await pageFetch(page, '/api/me')).status).toBe(200)
  expect(await page.evaluate(() => window.tokenProxy!.status())).toMatchObject({ authenticated: true })

  // What the backend received through the dev server's proxy: the login, then the API call with the bearer.
  expect(backend.requestLog.map(({ method, target, authScheme }) => [method, target, authScheme])).toEqual([
    ['POST', '/auth/login', null],
    ['GET', '/api/me', 'Bearer'],
  ])
  expect(backend.api.records.map(({ authorized }) => authorized)).toEqual([true])

  // A reload keeps the session: the same dev worker serves it.
  await page.reload()
  await expect(page.locator('#state')).toHaveText('Ready')
  expect((await pageFetch(page, '/api/after-reload')).status).toBe(200)
  expect(backend.api.records.map(({ authorized }) => authorized)).toEqual([true, true])
  expect(backend.auth.refreshLog).toEqual([])
})
