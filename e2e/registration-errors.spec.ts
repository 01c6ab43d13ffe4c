import { expect, test } from './support/fixtures.ts'

// When the worker cannot start, registerTokenProxy() rejects with an error the page can
// act on, and the page console says why; it never leaves the app waiting.
test('rejects with the worker’s own message when the worker’s options are invalid, and logs it in the page', async ({
  context,
  app,
}) => {
  app.worker.transform = (script) => script.replace(/api:\[[`"']\/api\/[`"']\]/, 'api:[]')
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })

  await page.goto(`${app.origin}/workers.html`)

  const expected =
    '[sw-token-proxy] Failed to install the token proxy: "api" must list at least one URL prefix. Fix the options passed to installTokenProxy().'
  await expect(page.locator('#state')).toHaveText(expected)
  expect(errors).toContain(expected)
  expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull()
})

test('rejects, naming the usual causes, when the script does not evaluate (an ES module registered as classic)', async ({
  context,
  app,
}) => {
  const page = await context.newPage()
  await page.goto(`${app.origin}/workers.html?sw=/sw-module.js`)

  const state = page.locator('#state')
  await expect(state).toContainText(
    '[sw-token-proxy] Failed to register the service worker /sw-module.js: the browser said',
  )
  await expect(state).toContainText("Look at the worker's console")
  await expect(state).toContainText('invalid installTokenProxy() options')
  await expect(state).toContainText("registerTokenProxy({ type: 'module' })")
  await expect(state).toContainText('process.env.NODE_ENV')
  await expect(state).toContainText('404')
})

test('rejects with the browser’s reason when the script is not there', async ({ context, app }) => {
  const page = await context.newPage()
  await page.goto(`${app.origin}/workers.html?sw=/no-such-sw.js`)

  await expect(page.locator('#state')).toContainText(
    '[sw-token-proxy] Failed to register the service worker /no-such-sw.js: the browser said',
  )
  await expect(page.locator('#state')).toContainText('(404)')
})
