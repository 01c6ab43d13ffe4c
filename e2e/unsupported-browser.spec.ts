import { expect, test } from './support/fixtures.ts'

// Where the browser has no service worker or no IndexedDB (Firefox private windows before
// 138, Safari Lockdown Mode, enterprise policies, insecure pages), registerTokenProxy() rejects at
// once with ERR_UNSUPPORTED and a sentence the app shows (demo/app/minimal.ts), instead of hanging.
test('says this browser can’t keep you signed in when it has no service workers', async ({ context, app }) => {
  await context.addInitScript(() => {
    delete (Navigator.prototype as { serviceWorker?: unknown }).serviceWorker
  })
  const page = await context.newPage()
  await page.goto(`${app.origin}/minimal.html`)

  await expect(page.locator('#state')).toHaveText(
    "This browser can't keep you signed in here: it has service workers turned off (a private window, Lockdown Mode or a policy can do that).",
  )
  await expect(page.locator('html')).toHaveAttribute('data-proxy', 'unsupported')
})

test('says this browser can’t keep you signed in when it has no IndexedDB', async ({ context, app }) => {
  await context.addInitScript(() => {
    Object.defineProperty(globalThis, 'indexedDB', { get: () => undefined, configurable: true })
  })
  const page = await context.newPage()
  await page.goto(`${app.origin}/minimal.html`)

  await expect(page.locator('#state')).toHaveText(
    "This browser can't keep you signed in here: it has site storage turned off (a private window or a policy can do that).",
  )
  await expect(page.locator('html')).toHaveAttribute('data-proxy', 'unsupported')
  // Nothing was registered: the app learned before it started a worker it could not use.
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0)
})
