import type { BrowserContext, Page, TestInfo } from '@playwright/test'
import { expect, expireAccessToken, test as base, waitForTokenProxy } from '../playwright/index.ts'
import { startDemo, type RunningDemo } from '../demo/server/startDemo.ts'
import { DEV_INTERACTIONS } from '../demo/server/OidcProvider.ts'

// `npm start` as a user meets it: what demo/server/main.ts starts (startDemo, on free ports), with
// every page the main page links to. Each registers its worker without a console error, the
// OpenID Connect page signs in at the embedded provider through its login screen, and the DPoP
// page's tokens are DPoP-bound. Facts come from the servers' records, polled: no sleeps.
/**
 * Records every console error and uncaught exception of the demo's pages in `tabs`, with the
 * page's URL. Not the provider's development screens: they ask for a web font from the internet,
 * which a test machine may not reach.
 */
function watchConsole(tabs: BrowserContext, demo: RunningDemo, errors: string[]): void {
  const record = (page: Page, text: string) => {
    if ([demo.main.origin, demo.dpop.origin].includes(new URL(page.url()).origin)) errors.push(`${page.url()}: ${text}`)
  }
  const watchPage = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') record(page, message.text())
    })
    page.on('pageerror', (error) => record(page, error.message))
  }
  tabs.pages().forEach(watchPage)
  tabs.on('page', watchPage)
}

const test = base.extend<{
  demo: RunningDemo
  /** The console errors of the demo's pages, in `page`'s context and every `freshTab`'s. */
  consoleErrors: string[]
  /** A tab in a browser context of its own: no worker registered yet on any origin. */
  freshTab: () => Promise<Page>
}>({
  demo: async ({}, use) => {
    const demo = await startDemo({ auth: { accessTtlSeconds: 20, refreshTtlSeconds: 120, sendRefreshExpiresIn: true } })
    await use(demo)
    await demo.close()
  },
  consoleErrors: async ({ context, demo }, use) => {
    const errors: string[] = []
    watchConsole(context, demo, errors)
    await use(errors)
  },
  freshTab: async ({ browser, demo, consoleErrors }, use) => {
    const contexts: BrowserContext[] = []
    await use(async () => {
      const fresh = await browser.newContext({ serviceWorkers: 'allow' })
      contexts.push(fresh)
      watchConsole(fresh, demo, consoleErrors)
      return fresh.newPage()
    })
    await Promise.all(contexts.map((fresh) => fresh.close()))
  },
})

/** The worker script that controls `page`, as a path (`/sw-oidc.js`). */
function controllingWorker(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const url = navigator.serviceWorker.controller?.scriptURL
    return url ? new URL(url).pathname : null
  })
}

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path, fullPage: true })
  await testInfo.attach(name, { path, contentType: 'image/png' })
}

test.describe('npm start', () => {
  test('the main page links every demo page, and each registers its worker with no console error', async ({
    page,
    demo,
    consoleErrors,
    freshTab,
  }, testInfo) => {
    await page.goto(`${demo.main.origin}/`)
    await waitForTokenProxy(page)
    await screenshot(page, testInfo, 'main-page')
    const links = await page
      .locator('header a')
      .evaluateAll((anchors) => anchors.map((anchor) => new URL((anchor as HTMLAnchorElement).href).pathname))
    expect(links).toEqual(['/oidc.html', '/dpop.html', '/apis.html', '/realtime.html', '/session.html'])

    const pages: Record<string, { origin: string; worker: string }> = {
      '/oidc.html': { origin: demo.main.origin, worker: '/sw-oidc.js' },
      // The DPoP page lives on the origin whose server requires DPoP; the demo's link leads there.
      '/dpop.html': { origin: demo.dpop.origin, worker: '/sw-dpop.js' },
      '/apis.html': { origin: demo.main.origin, worker: '/sw-apis.js' },
      '/realtime.html': { origin: demo.main.origin, worker: '/sw.js' },
      '/session.html': { origin: demo.main.origin, worker: '/sw-session.js' },
    }
    // Each page where its link leads, in a browser of its own, so that its worker is the first of
    // its origin: each page's own start, not one worker replacing another at scope `/`.
    for (const link of links) {
      const tab = await freshTab()
      const response = await tab.goto(`${demo.main.origin}${link}`)
      expect(response?.ok(), link).toBe(true)
      expect(tab.url()).toBe(`${pages[link]!.origin}${link}`)
      await waitForTokenProxy(tab)
      await expect.poll(() => controllingWorker(tab), { message: link }).toBe(pages[link]!.worker)
      await expect(tab.locator('html'), link).toHaveAttribute('data-proxy', 'ready')
    }
    expect(consoleErrors).toEqual([])
  })

  test('the OpenID Connect page signs in at the embedded provider, and its API accepts the token', async ({
    page,
    demo,
    consoleErrors,
  }, testInfo) => {
    await page.goto(`${demo.main.origin}/oidc.html`)
    await waitForTokenProxy(page)
    await expect(page.locator('#session-state')).toHaveText('signed out')
    await page.getByRole('button', { name: 'Sign in' }).click()

    // oidc-provider's development screens: any login, any non-empty password.
    await page.waitForURL(`${demo.provider.issuer}/**`)
    await page.locator(DEV_INTERACTIONS.loginInput).fill('alice')
    await page.locator(DEV_INTERACTIONS.passwordInput).fill('any password')
    await page.getByRole('button', { name: DEV_INTERACTIONS.loginButton }).click()
    await page.getByRole('button', { name: DEV_INTERACTIONS.consentButton }).click()
    await page.waitForURL(`${demo.main.origin}/oidc.html**`)
    await expect(page.locator('#session-state')).toHaveText('signed in')
    await expect(page.locator('#session-user')).toHaveText('as alice')

    await page.getByRole('button', { name: 'GET /oidc-api/me' }).click()
    await expect.poll(() => demo.oidcApi.records).toEqual([{ path: '/oidc-api/me', authorized: true, status: 200 }])
    await expect(page.locator('#message')).toHaveText('GET /oidc-api/me → 200 (the API says you are alice)')
    expect(demo.provider.tokenLog.map(({ grantType, status }) => `${grantType} ${status}`)).toEqual([
      'authorization_code 200',
    ])
    await screenshot(page, testInfo, 'oidc-page')
    expect(consoleErrors).toEqual([])
  })

  test('the DPoP page gets DPoP-bound tokens, its API calls are DPoP, and the main page keeps bearer tokens', async ({
    page,
    demo,
    consoleErrors,
  }, testInfo) => {
    await page.goto(`${demo.main.origin}/dpop.html`)
    expect(page.url()).toBe(`${demo.dpop.origin}/dpop.html`)
    await waitForTokenProxy(page)
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect.poll(() => demo.dpop.auth.counters.logins).toBe(1)
    await expect(page.locator('#token-type')).toHaveText('DPoP')

    await page.getByRole('button', { name: 'GET /api/me' }).click()
    await expect
      .poll(() =>
        demo.dpop.api.records.map(({ path, authScheme, dpop, status }) => ({ path, authScheme, dpop, status })),
      )
      .toEqual([{ path: '/api/me', authScheme: 'DPoP', dpop: 'verified', status: 200 }])
    await expect(page.locator('#api-saw')).toHaveText('GET /api/me → 200; Authorization: DPoP, proof verified')
    await screenshot(page, testInfo, 'dpop-page')

    // The demo's own server never asked for DPoP: its main page still logs in with a bearer token.
    await page.goto(`${demo.main.origin}/`)
    await waitForTokenProxy(page)
    await page.locator('#login-form').getByRole('button', { name: 'Log in' }).click()
    await expect(page.locator('#session-state')).toHaveText('logged in')
    await page.getByRole('button', { name: 'GET /api/me' }).click()
    await expect
      .poll(() =>
        demo.main.api.records.map(({ path, authScheme, dpop, status }) => ({ path, authScheme, dpop, status })),
      )
      .toContainEqual({ path: '/api/me', authScheme: 'Bearer', dpop: null, status: 200 })
    expect(demo.main.auth.counters.logins).toBe(1)
    expect(consoleErrors).toEqual([])
  })

  test('the main page draws the decision log: three tabs, one renewal they all see, each request with its token', async ({
    context,
    demo,
    consoleErrors,
  }, testInfo) => {
    // `?auto=0`: the test makes the calls, so the server's counts are the test's own.
    const tabs = [await context.newPage(), await context.newPage(), await context.newPage()]
    for (const tab of tabs) {
      await tab.goto(`${demo.main.origin}/?auto=0`)
      await waitForTokenProxy(tab)
    }
    const [first] = tabs as [Page, Page, Page]
    await first.fill('input[name=username]', 'demo')
    await first.fill('input[name=password]', 'demo')
    await first.click('#login-form button')
    await expect(first.locator('#session-state')).toHaveText('logged in')
    await expireAccessToken(first)
    await Promise.all(tabs.map((tab) => tab.click('#call-api')))

    await expect.poll(() => demo.main.auth.refreshLog.length).toBe(1)
    await expect.poll(() => demo.main.api.records.filter((record) => record.path === '/api/me').length).toBe(3)
    for (const tab of tabs) {
      // Every tab follows the one log: one renewal bar, and the three requests, each with its token.
      await expect(tab.locator('#timeline svg rect.renewal')).toHaveCount(1)
      await expect(tab.locator('#timeline svg rect.renewal.renewed')).toHaveCount(1)
      await expect(tab.locator('#timeline svg rect.sent')).toHaveCount(3)
      await expect(tab.locator('#timeline .timeline-lines')).toContainText('renewal renewed')
      const shown = await tab.locator('#timeline').innerText()
      for (const token of demo.main.auth.issuedTokens) expect(shown).not.toContain(token)
    }
    await screenshot(first, testInfo, 'timeline')
    expect(consoleErrors).toEqual([])
  })
})
