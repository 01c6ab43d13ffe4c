import { expect, test } from './support/fixtures.ts'
import { expireAccessToken, sessionEventTypes } from '../playwright/index.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Cases 7, 8, 12, 13 and 22: one refresh per expiry, and 401s handled once. (e2e/README.md)
test.describe('refresh', () => {
  // Tokens are expired on command (the Playwright helper), never by sleeping past a short
  // lifetime: counting refreshes must not depend on how busy the machine is.
  test.describe('with strict rotation', () => {
    test.use({ authOptions: { rotation: 'strict' } })

    test('refreshes once per expiry across three expiries and never presents a refresh token twice', async ({
      page,
      app,
    }) => {
      await logIn(page)
      for (let expiry = 1; expiry <= 3; expiry++) {
        await expireAccessToken(page)
        expect((await pageFetch(page, `/api/after-expiry-${expiry}`)).status).toBe(200)
      }

      expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['rotated', 'rotated', 'rotated'])
      const presented = app.auth.refreshLog.map((entry) => entry.presented)
      expect(new Set(presented).size).toBe(3)
      expect(app.auth.counters.reuseDetections).toBe(0)
      expect(app.api.records.map((record) => record.status)).toEqual([200, 200, 200])
      await expect
        .poll(() => sessionEventTypes(page))
        .toEqual(['session-started', 'session-refreshed', 'session-refreshed', 'session-refreshed'])
    })

    test('5 tabs × 20 concurrent requests of every method just after expiry make exactly one refresh', async ({
      page,
      app,
      openTab,
    }) => {
      const tabs = [page, ...(await Promise.all([openTab(), openTab(), openTab(), openTab()]))]
      await logIn(page)
      await expireAccessToken(page)

      const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
      const statuses = await Promise.all(
        tabs.map((tab, t) =>
          tab.evaluate(
            async ([t, methods]) =>
              Promise.all(
                Array.from({ length: 20 }, async (_, i) => {
                  const method = methods[i % methods.length]
                  const body = method === 'GET' ? undefined : JSON.stringify({ tab: t, request: i })
                  return (await fetch(`/api/burst/${t}/${i}`, { method, body })).status
                }),
              ),
            [t, methods] as const,
          ),
        ),
      )

      expect(statuses.flat()).toEqual(Array(100).fill(200))
      expect(app.auth.refreshLog).toHaveLength(1)
      expect(app.api.records).toHaveLength(100)
      expect(app.api.records.filter((record) => record.authorized)).toHaveLength(100)
      expect(new Set(app.api.records.map((record) => record.method))).toEqual(new Set(methods))
    })
  })

  test.describe('without rotation', () => {
    test.use({ authOptions: { rotation: 'none' } })

    test('keeps the old refresh token when the refresh response has none, and uses it next time', async ({
      page,
      app,
    }) => {
      await logIn(page)
      await expireAccessToken(page)
      expect((await pageFetch(page, '/api/first')).status).toBe(200)
      await expireAccessToken(page)
      expect((await pageFetch(page, '/api/second')).status).toBe(200)

      expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['renewed', 'renewed'])
      expect(app.auth.refreshLog[0]!.presented).toBe(app.auth.refreshLog[1]!.presented)
    })
  })

  test('an API 401 invalid_token leads to one refresh and exactly one replay with the same method, URL and body', async ({
    page,
    app,
  }) => {
    await logIn(page)
    app.api.failNext({ status: 401 })
    const body = JSON.stringify({ order: 42, note: 'ünïcødé' })
    const response = await pageFetch(page, '/api/orders?draft=1', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    })

    expect(response.status).toBe(200)
    expect(app.auth.refreshLog).toHaveLength(1)
    const [first, replay] = app.api.records
    expect(app.api.records).toHaveLength(2)
    expect(first).toMatchObject({ method: 'POST', path: '/api/orders', status: 401 })
    expect(replay).toMatchObject({
      method: 'POST',
      path: '/api/orders',
      status: 200,
      authorized: true,
      bodyDigest: first!.bodyDigest,
    })
    expect(replay!.authorizationDigest).not.toBe(first!.authorizationDigest)
    expect(app.api.sideEffects).toBe(1)
  })

  test('403, 400 and a second 401 pass through to the page; only the first 401 refreshes', async ({ page, app }) => {
    await logIn(page)
    app.api.failNext({ status: 403 })
    expect((await pageFetch(page, '/api/forbidden')).status).toBe(403)
    app.api.failNext({ status: 400 })
    expect((await pageFetch(page, '/api/bad')).status).toBe(400)
    expect(app.auth.refreshLog).toHaveLength(0)

    app.api.failNext({ status: 401 }, 2)
    expect((await pageFetch(page, '/api/twice', { method: 'PUT', body: 'x' })).status).toBe(401)
    expect(app.auth.refreshLog).toHaveLength(1)
    expect(app.api.records.filter((record) => record.path === '/api/twice').map((record) => record.status)).toEqual([
      401, 401,
    ])
  })

  test('a 401 for a reason a new token cannot fix passes through without a refresh', async ({ page, app }) => {
    await logIn(page)
    app.api.failNext({ status: 401, wwwAuthenticate: 'Bearer error="insufficient_scope"' })
    expect((await pageFetch(page, '/api/admin')).status).toBe(401)
    expect(app.auth.refreshLog).toHaveLength(0)
  })
})
