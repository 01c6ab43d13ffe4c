import { expireAccessToken, sessionStatus } from '../playwright/index.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Cases 29 and 30 (e2e/README.md; Policies 3 and 5, docs/behaviour.md): a wrong device clock
// changes nothing, and only the API's own 401 costs a refresh, at most once per token generation.
const ACCESS_TTL = 60

for (const [direction, offsetSeconds] of [
  ['ten minutes behind', -600],
  ['ten minutes ahead of', 600],
] as const) {
  test.describe(`an issuer whose clock is ${direction} the device, with JWTs and no expires_in`, () => {
    test.use({ authOptions: { clockOffsetSeconds: offsetSeconds, sendExpiresIn: false, accessTtlSeconds: ACCESS_TTL } })

    test('the token lives its real lifetime: no refresh per request, no 401s, one refresh when it runs out', async ({
      page,
      app,
    }) => {
      const loggedInAt = Date.now()
      await logIn(page)
      const { expiresAt } = await sessionStatus(page)

      // The worker counts exp − iat from receipt: about 60 s from now on its own clock, never
      // ten minutes off in either direction.
      expect(expiresAt).not.toBeNull()
      expect(expiresAt! - loggedInAt).toBeGreaterThan(30_000)
      expect(expiresAt! - loggedInAt).toBeLessThan((ACCESS_TTL + 30) * 1000)

      for (let call = 0; call < 5; call += 1) expect((await pageFetch(page, `/api/call-${call}`)).status).toBe(200)
      expect(app.auth.refreshLog).toEqual([])

      await expireAccessToken(page)
      expect((await pageFetch(page, '/api/after-expiry')).status).toBe(200)
      expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['rotated'])
      expect(app.api.records.every((record) => record.status === 200)).toBe(true)
    })
  })
}

test.describe("only the API's own 401 asks for a new token", () => {
  test('a 401 from a page the API redirected to (off the api prefixes) is not refreshed or replayed', async ({
    page,
    app,
  }) => {
    await logIn(page)

    const response = await pageFetch(page, '/api/redirect?to=/demo/sign-in-required')

    expect(response.status).toBe(401)
    expect(
      app.requests.filter((request) => request.endsWith('/api/redirect') || request.endsWith('/demo/sign-in-required')),
    ).toEqual(['GET /api/redirect', 'GET /demo/sign-in-required'])
    expect(app.auth.refreshLog).toEqual([])
  })

  test('an API that always answers 401 costs one refresh per token generation, not one per call', async ({
    page,
    app,
  }) => {
    await logIn(page)
    app.api.failNext({ status: 401 }, 20)

    for (let call = 0; call < 5; call += 1) expect((await pageFetch(page, `/api/always-401-${call}`)).status).toBe(401)

    expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['rotated'])
    // The first call and its one replay, then each later call once: no further replays.
    expect(app.api.records.map((record) => record.path)).toEqual([
      '/api/always-401-0',
      '/api/always-401-0',
      '/api/always-401-1',
      '/api/always-401-2',
      '/api/always-401-3',
      '/api/always-401-4',
    ])
  })
})
