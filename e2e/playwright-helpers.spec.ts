import { expireAccessToken, sessionEventTypes, sessionStatus } from '../playwright/index.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// The helpers we ship for Playwright suites, tested like the rest of the product.
test.describe('sw-token-proxy/playwright', () => {
  test('sessionStatus reports the session as the worker sees it, without a token', async ({ page, app }) => {
    expect(await sessionStatus(page)).toEqual({ authenticated: false, expiresAt: null })
    await logIn(page)
    const status = await sessionStatus(page)

    expect(status).toMatchObject({ authenticated: true, claims: expect.objectContaining({ sub: 'demo' }) })
    expect(status.expiresAt).toBeGreaterThan(Date.now())
    expect(app.auth.issuedTokens.some((token) => JSON.stringify(status).includes(token))).toBe(false)
  })

  test('expireAccessToken makes the next API request renew the token first, once', async ({ page, app }) => {
    await logIn(page)
    await expireAccessToken(page)
    expect((await pageFetch(page, '/api/after-expiry')).status).toBe(200)
    expect((await pageFetch(page, '/api/again')).status).toBe(200)

    expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['rotated'])
    expect(app.api.records.map((record) => record.status)).toEqual([200, 200])
    await expect.poll(() => sessionEventTypes(page)).toEqual(['session-started', 'session-refreshed'])
  })

  test('expireAccessToken without a session fails with a clear error', async ({ page }) => {
    await expect(expireAccessToken(page)).rejects.toThrow(
      /^\[sw-token-proxy\] Failed to expire the access token: there is no session in this origin\./,
    )
  })

  test('workerRequests lists what the worker sent and whether it was authorised, never the token', async ({
    page,
    app,
    workerRequests,
  }) => {
    await logIn(page)
    await pageFetch(page, '/api/listed', { method: 'POST', body: 'x' })
    const path = (url: string) => new URL(url).pathname

    await expect
      .poll(() => workerRequests.map((request) => `${request.method} ${path(request.url)} ${request.authorized}`))
      .toEqual(['POST /auth/login false', 'POST /api/listed true'])
    expect(app.auth.issuedTokens.some((token) => JSON.stringify(workerRequests).includes(token))).toBe(false)
  })
})
