import type { Page } from '@playwright/test'
import { expireAccessToken, sessionEventTypes, waitForTokenProxy } from '../playwright/index.ts'
import { RESOURCE_APIS } from '../demo/server/resourceApis.ts'
import { expect, test as base } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Case 35 (e2e/README.md; Policy 11, docs/behaviour.md) in plain mode: the demo's worker for two APIs (`/apis.html`
// registers `/sw-apis.js`: `/api/orders/` with `resource: 'urn:demo:orders'`, `/api/billing/` with
// `audience: 'billing'`, and the rest of `/api/` with the login's own token) against the demo
// server, whose refresh endpoint mints a token for the API a refresh names (`aud`) and whose APIs
// accept only their own. Strict rotation: a refresh token presented twice revokes the session.
const test = base.extend({
  page: async ({ context, app }, use) => {
    const page = await context.newPage()
    await page.goto(`${app.origin}/apis.html`)
    await waitForTokenProxy(page)
    await use(page)
  },
  openTab: async ({ context, app }, use) => {
    await use(async () => {
      const tab = await context.newPage()
      await tab.goto(`${app.origin}/apis.html`)
      await waitForTokenProxy(tab)
      return tab
    })
  },
})
test.use({ authOptions: { rotation: 'strict' } })

const [ORDERS, BILLING] = RESOURCE_APIS
/** One URL per API: the login's own token, the orders API's, the billing API's. */
const URLS = ['/api/me', '/api/orders/summary', '/api/billing/invoices']

/** Every tab calls every API three times, all at once; answers the statuses. */
async function callEverything(tabs: Page[]): Promise<number[]> {
  const statuses = await Promise.all(
    tabs.map((tab) =>
      tab.evaluate(
        (urls) => Promise.all(urls.flatMap((url) => [1, 2, 3].map(async () => (await fetch(url)).status))),
        URLS,
      ),
    ),
  )
  return statuses.flat()
}

test.describe('many APIs, one refresh token, with a refresh endpoint (plain mode)', () => {
  test('three tabs × three APIs across three expiries: each API sees only its own tokens, one refresh-token use per renewal, never a reuse', async ({
    page,
    openTab,
    app,
  }) => {
    await logIn(page)
    const tabs = [page, await openTab(), await openTab()]

    // First use: each API's token is minted on demand, once, whatever the number of tabs, with the
    // parameter its `api` entry names.
    expect(await callEverything(tabs)).toEqual(Array(27).fill(200))
    const targets = () =>
      app.auth.refreshLog.map(({ resource, audience }) =>
        resource ? `resource=${resource}` : audience ? `audience=${audience}` : 'login',
      )
    expect(targets().sort()).toEqual([`audience=${BILLING.value}`, `resource=${ORDERS.value}`])

    // Expired on command (the Playwright helper), never by sleeping past a short lifetime.
    for (let expiry = 1; expiry <= 3; expiry++) {
      await expireAccessToken(page)
      expect(await callEverything(tabs)).toEqual(Array(27).fill(200))
      // Per expiry, one renewal each: the login's token and both APIs', one after another.
      const counts: Record<string, number> = {}
      for (const target of targets()) counts[target] = (counts[target] ?? 0) + 1
      expect(counts).toEqual({
        login: expiry,
        [`resource=${ORDERS.value}`]: 1 + expiry,
        [`audience=${BILLING.value}`]: 1 + expiry,
      })
    }

    // Every use of the refresh token presented the one live token, and rotated it: 11 uses, 11
    // distinct tokens, no reuse detected, no session revoked.
    expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(Array(11).fill('rotated'))
    expect(new Set(app.auth.refreshLog.map((entry) => entry.presented)).size).toBe(11)
    expect(app.auth.counters.reuseDetections).toBe(0)
    // Each API only ever received tokens minted for it, and accepted every one.
    const received = (prefix: string) =>
      app.api.records.filter((record) => record.path.startsWith(prefix) && !record.path.startsWith('/api/me'))
    for (const { prefix, value } of RESOURCE_APIS) {
      expect(received(prefix)).toHaveLength(4 * 9)
      expect(new Set(received(prefix).map((record) => `${record.tokenAudience} ${record.authorized}`))).toEqual(
        new Set([`${value} true`]),
      )
    }
    const own = app.api.records.filter((record) => record.path === '/api/me')
    expect(own).toHaveLength(4 * 9)
    expect(new Set(own.map((record) => `${record.tokenAudience} ${record.authorized}`))).toEqual(new Set(['null true']))
    for (const tab of tabs) expect(await sessionEventTypes(tab)).not.toContain('session-expired')
  })

  test('while one API’s renewal is held at the server, calls to the others, whose tokens are valid, go through', async ({
    page,
    openTab,
    app,
  }) => {
    await logIn(page)
    const other = await openTab()
    expect(await callEverything([page])).toEqual(Array(9).fill(200))
    const usesBefore = app.auth.refreshLog.length

    // The orders API's tokens expire at the server; its next renewal is held there.
    app.auth.expireAccessTokens(ORDERS.value)
    app.refreshControl.hold(ORDERS.value)
    const ordersCall = pageFetch(page, '/api/orders/after-expiry')
    await app.refreshControl.waitForHeld(1)

    // Meanwhile both tabs call the billing API and the app's own API: each goes out at once.
    const meanwhile = await Promise.all(
      [page, other].flatMap((tab) =>
        ['/api/billing/meanwhile', '/api/me'].map(async (url) => (await pageFetch(tab, url)).status),
      ),
    )
    expect(meanwhile).toEqual([200, 200, 200, 200])
    expect(app.refreshControl.heldCount).toBe(1)
    expect(app.api.records.filter((record) => record.path === '/api/orders/after-expiry').map((r) => r.status)).toEqual(
      [401],
    )

    app.refreshControl.release()
    expect((await ordersCall).status).toBe(200)

    // The orders call: refused once with its old token, replayed once with its renewed one.
    const orders = app.api.records.filter((record) => record.path === '/api/orders/after-expiry')
    expect(orders.map(({ status, tokenAudience }) => ({ status, tokenAudience }))).toEqual([
      { status: 401, tokenAudience: ORDERS.value },
      { status: 200, tokenAudience: ORDERS.value },
    ])
    expect(orders[0]!.authorizationDigest).not.toBe(orders[1]!.authorizationDigest)
    // One refresh-token use in all, for the orders API alone; nothing else was renewed.
    expect(
      app.auth.refreshLog.slice(usesBefore).map(({ resource, audience, outcome }) => ({ resource, audience, outcome })),
    ).toEqual([{ resource: ORDERS.value, audience: null, outcome: 'rotated' }])
  })

  test('the demo page shows, per API, whom the tokens it received were minted for', async ({ page }) => {
    await page.getByRole('button', { name: 'Log in as demo' }).click()
    await expect(page.locator('#session-state')).toHaveText('logged in')
    await page.getByRole('button', { name: 'Call the three APIs' }).click()

    for (const [name, mintedFor, call] of [
      ['main', 'the login’s own token', 'GET /api/me → 200'],
      ['orders', ORDERS.value, 'GET /api/orders/summary → 200'],
      ['billing', BILLING.value, 'GET /api/billing/invoices → 200'],
    ]) {
      await expect(page.locator(`#api-${name} .received`)).toHaveText(mintedFor!)
      await expect(page.locator(`#api-${name} .last-call`)).toHaveText(call!)
    }
    await expect(page.locator('#api-orders .minted-with')).toHaveText(`resource=${ORDERS.value}`)
    await expect(page.locator('#api-billing .minted-with')).toHaveText(`audience=${BILLING.value}`)
    await expect(page.locator('#api-orders .renewals')).toHaveText('1')
    await expect(page.locator('#api-billing .renewals')).toHaveText('1')
  })
})
