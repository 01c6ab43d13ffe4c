import type { Page } from '@playwright/test'
import { expect, expireAccessToken, sessionEventTypes, sessionStatus, stopServiceWorker } from '../playwright/index.ts'
import { demoBuildDir } from '../demo/server/demoBuildDir.ts'
import { OidcApp } from './support/OidcApp.ts'
import { oidcTest } from './support/oidcFixtures.ts'
import { logInAtProvider, openOidcApp, signIn as signInThroughProvider } from './support/oidcPages.ts'
import type { RunningOidcProvider } from './support/OidcProvider.ts'
import { pageFetch } from './support/tabs.ts'

// OpenID Connect: a real, certified OpenID Provider (oidc-provider) on another site (127.0.0.1), a real
// redirect flow in Chromium, and an API that validates tokens by introspection at the provider.
const dist = demoBuildDir

const test = oidcTest

async function openApp(page: Page, app: OidcApp, api = '/api/'): Promise<void> {
  app.api = [api]
  await openOidcApp(page, app)
}

/** Signs in as `login` through the provider's own login and consent screens. */
async function signIn(
  page: Page,
  app: OidcApp,
  provider: RunningOidcProvider,
  login = 'alice',
  api = '/api/',
): Promise<void> {
  app.api = [api]
  await signInThroughProvider(page, app, provider, login)
}

test.describe('OpenID Connect with oidc-provider', () => {
  test('signs in through the real redirect flow; the tokens stay in the worker and the API accepts them', async ({
    page,
    app,
    provider,
  }) => {
    await signIn(page, app, provider)

    await expect(page.locator('#session-user')).toHaveText('as alice')
    expect(page.url()).toBe(`${app.origin}/oidc.html`)
    expect(provider.counters.tokenRequests).toBe(1)
    expect(await sessionStatus(page)).toMatchObject({
      authenticated: true,
      claims: expect.objectContaining({ sub: 'alice', iss: provider.issuer }),
    })
    expect((await pageFetch(page, '/api/me')).status).toBe(200)
    expect(app.records).toEqual([{ path: '/api/me', authorized: true, status: 200 }])
    // The page holds nothing of the flow: no verifier, no state, no token.
    expect(
      await page.evaluate(() => ({ local: Object.keys(localStorage), session: Object.keys(sessionStorage) })),
    ).toEqual({ local: [], session: [] })
    expect(await sessionEventTypes(page)).toEqual(['session-started'])
  })

  // Expired on command (the Playwright helper), never by sleeping past a short lifetime: the
  // count of refresh grants must not depend on how busy the machine is.
  test.describe('across expiries', () => {
    test('three tabs across three expiries: one refresh per expiry with rotation, and the grant is never revoked', async ({
      page,
      context,
      app,
      provider,
    }) => {
      await signIn(page, app, provider)
      const tabs = [page, await context.newPage(), await context.newPage()]
      for (const tab of tabs.slice(1)) await openApp(tab, app)

      for (let expiry = 1; expiry <= 3; expiry++) {
        await expireAccessToken(page)
        const statuses = await Promise.all(
          tabs.map((tab) =>
            tab.evaluate(async () =>
              Promise.all(Array.from({ length: 5 }, async () => (await fetch('/api/data')).status)),
            ),
          ),
        )
        expect(statuses.flat()).toEqual(Array(15).fill(200))
      }

      expect(provider.counters.refreshGrants).toBe(3)
      expect(app.records.every((record) => record.authorized)).toBe(true)
      for (const tab of tabs) expect(await sessionEventTypes(tab)).not.toContain('session-expired')
    })
  })

  test('revoking the grant at the provider: every tab receives session-expired once', async ({
    page,
    context,
    app,
    provider,
  }) => {
    await signIn(page, app, provider)
    const tabs = [page, await context.newPage(), await context.newPage()]
    for (const tab of tabs.slice(1)) await openApp(tab, app)

    await provider.revokeAllGrants()
    const statuses = await Promise.all(tabs.map((tab) => pageFetch(tab, '/api/after-revocation')))

    expect(statuses.map((response) => response.status)).toEqual([401, 401, 401])
    expect(provider.counters.refreshGrants).toBe(1)
    for (const tab of tabs) {
      await expect
        .poll(async () => (await sessionEventTypes(tab)).filter((type) => type === 'session-expired'))
        .toEqual(['session-expired'])
    }
    await expect(page.locator('#message')).toContainText('Your session expired (invalid_grant)')
  })

  test('logout revokes the refresh token at the provider (RFC 7009) and ends the session in every tab', async ({
    page,
    context,
    app,
    provider,
  }) => {
    await signIn(page, app, provider)
    const other = await context.newPage()
    await openApp(other, app)

    await page.getByRole('button', { name: 'Log out' }).click()

    for (const tab of [page, other]) await expect.poll(() => sessionEventTypes(tab)).toContain('session-ended')
    expect(provider.counters.revocations).toBe(1)
    expect((await pageFetch(other, '/api/after-logout')).status).toBe(401)
    expect(app.records.at(-1)).toEqual({ path: '/api/after-logout', authorized: false, status: 401 })
  })

  test('an API on another site, listed as an absolute prefix, gets the token; the same site off the prefix does not', async ({
    page,
    app,
    provider,
  }) => {
    const remoteApi = await new OidcApp().start(dist, { corsOrigin: app.origin })
    remoteApi.issuer = provider.issuer
    try {
      await signIn(page, app, provider, 'carol', `${remoteApi.origin}/v1/`)
      const onPrefix = await pageFetch(page, `${remoteApi.origin}/v1/me`)
      const offPrefix = await pageFetch(page, `${remoteApi.origin}/v2/me`)

      expect(onPrefix.status).toBe(200)
      expect(JSON.parse(onPrefix.body)).toMatchObject({ sub: 'carol' })
      expect(offPrefix.status).toBe(401)
      expect(remoteApi.records).toEqual([
        { path: '/v1/me', authorized: true, status: 200 },
        { path: '/v2/me', authorized: false, status: 401 },
      ])
    } finally {
      await remoteApi.close()
    }
  })

  test('a worker stopped while the user is at the provider still completes the sign-in', async ({
    page,
    app,
    provider,
  }) => {
    await openApp(page, app)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${provider.issuer}/**`)
    await stopServiceWorker(page)
    await logInAtProvider(page, app, provider, 'bob')

    await expect(page.locator('#session-user')).toHaveText('as bob')
    expect((await pageFetch(page, '/api/me')).status).toBe(200)
  })

  test('a forged callback (unknown state) is refused with a clear error and redeems nothing', async ({
    page,
    app,
    provider,
  }) => {
    await openApp(page, app)
    await page.goto(`${app.origin}/oidc.html?code=stolen-code&state=forged-state`)

    await expect(page.locator('#message')).toHaveText(
      /^\[sw-token-proxy\] Failed to complete the sign-in: this callback does not answer a sign-in in progress/,
    )
    expect(provider.counters.tokenRequests).toBe(0)
    expect(await sessionStatus(page)).toMatchObject({ authenticated: false })
  })
})
