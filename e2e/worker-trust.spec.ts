import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// A worker the page can trust: a script of the origin can unregister the worker or register
// another in its place; every page of the app notices once and says so (it cannot prevent it).
test.describe('a worker the page can trust', () => {
  test('another script taking the scope: every page hears worker-replaced once, and says so', async ({
    page,
    openTab,
    context,
    app,
  }) => {
    const other = await openTab()
    const warnings: string[] = []
    page.on('console', (message) => void (message.type() === 'warning' && warnings.push(message.text())))
    await logIn(page)
    // Any script of the origin (here: a page of it) registers another script for the same scope.
    const intruder = await context.newPage()
    await intruder.goto(`${app.origin}/favicon.svg`)
    await intruder.evaluate(() => navigator.serviceWorker.register('/sw-cache.js').then(() => undefined))

    for (const tab of [page, other])
      await expect(tab.locator('#state')).toHaveText(
        `Another service worker (${app.origin}/sw-cache.js) took over this app: reload to restore the proxy.`,
      )
    await expect
      .poll(() => warnings.filter((line) => line.includes('took its scope')))
      .toEqual([
        `[sw-token-proxy] Failed to keep the service worker /sw.js: another script, ${app.origin}/sw-cache.js, took its scope. If the app did not register it, a script on this origin did: requests may now go out without the proxy.`,
      ])
    // No token in anything the page was told.
    for (const token of app.auth.issuedTokens) for (const line of warnings) expect(line).not.toContain(token)
  })

  test('the registration removed: every page hears worker-lost once', async ({ page, openTab }) => {
    const other = await openTab()
    await logIn(page)
    expect((await pageFetch(page, '/api/before')).status).toBe(200)
    await other.evaluate(() =>
      navigator.serviceWorker.getRegistration().then((registration) => registration?.unregister()),
    )

    // No event says a registration is gone: each visible page looks every few seconds.
    for (const tab of [page, other])
      await expect(tab.locator('#state')).toHaveText(
        'The token proxy worker is gone (unregistered): reload to restore it.',
        {
          timeout: 15_000,
        },
      )
  })
})

test('a page controlled by another script of the scope: registerTokenProxy() resolves once its own script controls it', async ({
  context,
  app,
}) => {
  const page = await context.newPage()
  await page.goto(`${app.origin}/minimal.html`)
  await page.waitForFunction(() => document.documentElement.dataset['proxy'] === 'ready')
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${app.origin}/sw.js`)

  // The same tab moves to a page of the app that registers another script (an app that renamed
  // its worker): until that script controls the page, messages would go to the outgoing worker.
  for (let round = 0; round < 3; round++) {
    const script = round % 2 === 0 ? '/sw-cache.js' : '/sw.js'
    await page.goto(`${app.origin}/workers.html?sw=${script}`)
    await page.waitForFunction(() => document.documentElement.dataset['proxy'] !== undefined)
    expect(await page.evaluate(() => document.documentElement.dataset['proxy'])).toBe('ready')
    expect(await page.evaluate(() => document.documentElement.dataset['controller'])).toBe(`${app.origin}${script}`)
    await logIn(page)
    expect((await pageFetch(page, `/api/round-${round}`)).status).toBe(200)
  }
})
