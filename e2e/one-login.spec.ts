import {
  expireAccessToken,
  sessionEvents,
  sessionEventTypes,
  sessionStatus,
  waitForTokenProxy,
} from '../playwright/index.ts'
import { withBrowserProfile } from './support/browserProfile.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Cases 26–28 (e2e/README.md) and Policy 10 (docs/behaviour.md): a session belongs to one login,
// logout is durable, and a session is refreshed only by what issued it. Assertions are on what the
// servers recorded.
test.describe('a session belongs to one login', () => {
  test.use({ authOptions: { users: { alice: 'alice-pw', bob: 'bob-pw' } } })

  test("a request of user A's that is out while A logs out and B logs in is never replayed with B's token", async ({
    page,
    app,
    openTab,
  }) => {
    const other = await openTab()
    await logIn(page, 'alice', 'alice-pw')
    // Alice's request reaches the API, which holds its answer (a 401) until Alice has logged out
    // and Bob has logged in, in another tab.
    app.api.control.hold()
    app.api.failNext({ status: 401 })
    const alicesRequest = pageFetch(page, '/api/alice-order', { method: 'POST', body: 'order 42' })
    await app.api.control.waitForHeld()
    expect((await pageFetch(other, '/auth/logout', { method: 'POST' })).status).toBe(204)
    expect((await logIn(other, 'bob', 'bob-pw')).status).toBe(200)
    app.api.control.release()

    expect((await alicesRequest).status).toBe(401)
    expect(
      app.api.records.filter((record) => record.path === '/api/alice-order').map((record) => record.tokenUser),
    ).toEqual(['alice'])
    expect(app.auth.refreshLog).toEqual([])
    // Bob's own requests carry Bob's token, never none.
    expect((await pageFetch(page, '/api/bob')).status).toBe(200)
    expect(app.api.records.at(-1)).toMatchObject({ path: '/api/bob', tokenUser: 'bob', authorized: true })
  })

  test("user B neither waits on nor hears about user A's refresh that is still in flight, nor its backoff", async ({
    page,
    app,
    openTab,
  }) => {
    const other = await openTab()
    await logIn(page, 'alice', 'alice-pw')
    // Alice's refresh reaches the server and fails, but its answer (a 503 with a long
    // Retry-After) is held until Bob has logged in and needed a refresh of his own.
    app.refreshControl.fail({ kind: 'status', status: 503, headers: { 'Retry-After': '600' } })
    app.refreshControl.hold()
    await expireAccessToken(page)
    const alicesRequest = pageFetch(page, '/api/alice-after-expiry')
    await app.refreshControl.waitForHeld()

    expect((await pageFetch(other, '/auth/logout', { method: 'POST' })).status).toBe(204)
    expect((await logIn(other, 'bob', 'bob-pw')).status).toBe(200)
    app.api.failNext({ status: 401 })
    const bobsRequest = pageFetch(other, '/api/bob-needs-renewal')
    // Bob's refresh reaches the server with Bob's refresh token while Alice's is still held:
    // Bob's request did not join Alice's dying refresh.
    await app.refreshControl.waitForHeld(2)
    app.refreshControl.release()
    expect((await bobsRequest).status).toBe(200)
    expect((await alicesRequest).status).toBe(401)

    // After Alice's failure (and its Retry-After), Bob's next 401 still renews at once.
    app.api.failNext({ status: 401 })
    expect((await pageFetch(other, '/api/bob-again')).status).toBe(200)

    expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['rotated', 'rotated'])
    expect(
      app.api.records
        .filter((record) => record.path.startsWith('/api/bob'))
        .map((record) => `${record.tokenUser} ${record.status}`),
    ).toEqual(['bob 401', 'bob 200', 'bob 401', 'bob 200'])
    for (const tab of [page, other]) {
      await expect
        .poll(() => sessionEventTypes(tab))
        .toEqual(['session-started', 'session-ended', 'session-started', 'session-refreshed', 'session-refreshed'])
    }
  })
})

test.describe('logout is durable', () => {
  test('a browser closed while the logout request is in flight comes back logged out', async ({ app }) => {
    await withBrowserProfile(async (launch) => {
      const { browser: first, page } = await launch()
      await page.goto(`${app.origin}/minimal.html`)
      await waitForTokenProxy(page)
      await logIn(page)
      expect((await pageFetch(page, '/api/before-logout')).status).toBe(200)

      app.logoutControl.hold()
      void page.evaluate(() => fetch('/auth/logout', { method: 'POST' })).catch(() => undefined)
      await app.logoutControl.waitForHeld()
      await first.close()

      const { browser: second, page: reopened } = await launch()
      await reopened.goto(`${app.origin}/minimal.html`)
      await waitForTokenProxy(reopened)
      expect(await sessionStatus(reopened)).toEqual({ authenticated: false, expiresAt: null })
      expect((await pageFetch(reopened, '/api/after-reopen')).status).toBe(401)
      await second.close()

      expect(app.api.records.find((record) => record.path === '/api/after-reopen')).toMatchObject({ authScheme: null })
      app.logoutControl.release()
    })
  })

  test('proxy.logout() tells every tab before its request reaches the server', async ({ page, app, openTab }) => {
    const other = await openTab()
    await logIn(page)
    app.logoutControl.hold()

    await page.getByRole('button', { name: 'Log out' }).click()
    await app.logoutControl.waitForHeld()

    // The logout request is still held at the server, yet the session is gone from the store
    // and every tab hears of it (messages arrive on their own schedule, hence the poll).
    expect(await sessionStatus(other)).toEqual({ authenticated: false, expiresAt: null })
    for (const tab of [page, other])
      await expect.poll(() => sessionEventTypes(tab)).toEqual(['session-started', 'session-ended'])
    expect(app.logoutControl.heldCount).toBe(1)
    app.logoutControl.release()
    await expect.poll(() => app.auth.counters.logouts).toBe(1)
  })
})

test.describe('a session is refreshed only where it was issued', () => {
  test('a worker configured with another refresh endpoint ends the session and never sends the refresh token there', async ({
    page,
    app,
  }) => {
    await logIn(page)
    expect((await pageFetch(page, '/api/before-change')).status).toBe(200)

    // The app now ships a worker that refreshes at another endpoint.
    app.worker.transform = (script) => script.replaceAll('/auth/refresh', '/auth/v2/refresh')
    app.worker.variant = 'another refresh endpoint'
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration()
      const changed = new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      )
      await registration?.update()
      await changed
    })

    await expireAccessToken(page)
    expect((await pageFetch(page, '/api/after-change')).status).toBe(401)

    await expect
      .poll(async () => (await sessionEvents(page)).at(-1))
      .toEqual({ type: 'session-expired', payload: { reason: 'configuration_changed' } })
    expect(app.requests.filter((request) => request.includes('/refresh'))).toEqual([])
    expect(app.api.records.find((record) => record.path === '/api/after-change')).toMatchObject({ authScheme: null })
    expect(await sessionStatus(page)).toEqual({ authenticated: false, expiresAt: null })
  })
})
