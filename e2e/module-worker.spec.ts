import { waitForTokenProxy } from '../playwright/index.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// An app may build its worker as an ES module and register it with
// registerTokenProxy({ type: 'module' }). /sw-module.js uses import.meta, so it runs only as one.
test('a worker built as an ES module and registered with type: module controls the page and adds the token', async ({
  context,
  app,
}) => {
  const page = await context.newPage()
  await page.goto(`${app.origin}/workers.html?sw=/sw-module.js&type=module`)
  await expect(page.locator('#state')).toHaveText(/^Ready/)
  await waitForTokenProxy(page)

  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${app.origin}/sw-module.js`)
  expect((await logIn(page)).status).toBe(200)
  expect((await pageFetch(page, '/api/me')).status).toBe(200)
  expect(app.api.records.map(({ path, authScheme, authorized }) => ({ path, authScheme, authorized }))).toEqual([
    { path: '/api/me', authScheme: 'Bearer', authorized: true },
  ])
})
