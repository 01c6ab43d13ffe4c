import { waitForTokenProxy } from '../playwright/index.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// An app that already has a Workbox worker adds the proxy's routes to it
// (addTokenProxyRoutes) instead of registering a second worker. /sw-workbox.js precaches
// /workers.html with workbox-precaching and leaves skipWaiting/clients.claim out.
test('an app’s own Workbox worker keeps precaching and proxies the API, with one refresh', async ({ context, app }) => {
  const page = await context.newPage()
  await page.goto(`${app.origin}/workers.html?sw=/sw-workbox.js`)
  await expect(page.locator('#state')).toHaveText(/^Ready/)
  await waitForTokenProxy(page)
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${app.origin}/sw-workbox.js`)

  // The server now answers something else: the page still gets the precached shell.
  app.pages.set('/workers.html', 'changed on the server')
  expect((await pageFetch(page, '/workers.html')).body).toContain('<title>sw-token-proxy — other worker builds</title>')

  expect((await logIn(page)).status).toBe(200)
  expect((await pageFetch(page, '/api/me')).status).toBe(200)
  app.api.failNext({ status: 401 })
  expect((await pageFetch(page, '/api/me')).status).toBe(200)

  expect(app.auth.counters.refreshes).toBe(1)
  const records = app.api.records.map(({ authScheme, authorized, status }) => ({ authScheme, authorized, status }))
  expect(records).toEqual([
    { authScheme: 'Bearer', authorized: true, status: 200 },
    { authScheme: 'Bearer', authorized: true, status: 401 },
    { authScheme: 'Bearer', authorized: true, status: 200 },
  ])
  // The replay after the refresh went out with the new access token.
  const [first, rejected, replayed] = app.api.records.map((record) => record.authorizationDigest)
  expect(rejected).toBe(first)
  expect(replayed).not.toBe(first)
})
