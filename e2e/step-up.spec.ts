import type { Page } from '@playwright/test'
import { expect, sessionEvents, sessionStatus, test as base, type RecordedSessionEvent } from '../playwright/index.ts'
import { demoBuildDir } from '../demo/server/demoBuildDir.ts'
import { AudienceApi } from './support/AudienceApi.ts'
import { OidcApp } from './support/OidcApp.ts'
import { logInAtProvider, openOidcApp } from './support/oidcPages.ts'
import { startOidcProvider, type RunningOidcProvider } from './support/OidcProvider.ts'
import { test as demoTest } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Case 34 (e2e/README.md; Policy 13, docs/behaviour.md; RFC 9470 step-up): an API on its own site
// that accepts a password sign-in for most calls but wants `urn:example:strong` for `/sensitive…`,
// with tokens from a real oidc-provider that puts the login's `acr` into them and asks the user to
// log in again for a stronger level. Assertions are on what the provider and the API recorded.
const WEAK = 'urn:example:password'
const STRONG = 'urn:example:strong'
const SCOPE = 'read'

const test = base.extend<{
  sensitive: { acr: string; maxAge?: number }
  app: OidcApp
  api: AudienceApi
  provider: RunningOidcProvider
}>({
  sensitive: [{ acr: STRONG }, { option: true }],
  app: async ({}, use) => {
    const app = await new OidcApp().start(demoBuildDir)
    await use(app)
    await app.close()
  },
  api: async ({ app, sensitive }, use) => {
    const api = await new AudienceApi().start(app.origin, { sensitive })
    await use(api)
    await api.close()
  },
  provider: async ({ app, api }, use) => {
    const provider = await startOidcProvider({
      clientOrigin: app.origin,
      clientRedirectUris: [`${app.origin}/oidc.html`],
      resourceServers: { [api.resource]: { scope: SCOPE } },
      acrValues: [WEAK, STRONG],
    })
    app.issuer = provider.issuer
    api.issuer = provider.issuer
    app.api = ['/api/', { prefix: `${api.origin}/`, resource: api.resource }]
    app.scope = `openid offline_access ${SCOPE}`
    await use(provider)
    await provider.close()
  },
})

/** `count` concurrent plain fetches from the page: each status, and the challenge the page could read. */
function fetchAll(
  page: Page,
  url: string,
  count: number,
): Promise<Array<{ status: number; challenge: string | null }>> {
  return page.evaluate(
    ([url, count]) =>
      Promise.all(
        Array.from({ length: count }, async () => {
          const response = await fetch(url)
          return { status: response.status, challenge: response.headers.get('WWW-Authenticate') }
        }),
      ),
    [url, count] as const,
  )
}

const stepUpsOf = async (page: Page): Promise<RecordedSessionEvent[]> =>
  (await sessionEvents(page)).filter((event) => event.type === 'step-up-required')

test.describe('step-up (RFC 9470) with oidc-provider', () => {
  // Two full sign-ins through the provider's screens each: more room on a loaded machine.
  test.slow()
  test('no refresh for the step-up 401, one step-up-required per tab, other tabs keep working, and the retry after signIn({ acrValues }) carries the stronger token', async ({
    page,
    context,
    app,
    api,
    provider,
  }) => {
    await openOidcApp(page, app)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await logInAtProvider(page, app, provider)
    const other = await context.newPage()
    await openOidcApp(other, app)

    // Everyday calls: the API's token is minted once, from the password sign-in.
    for (const tab of [page, other]) expect((await pageFetch(tab, `${api.origin}/balance`)).status).toBe(200)
    expect(api.records.map(({ path, acr, status }) => ({ path, acr, status }))).toEqual([
      { path: '/balance', acr: WEAK, status: 200 },
      { path: '/balance', acr: WEAK, status: 200 },
    ])
    const refreshGrantsBefore = provider.counters.refreshGrants

    // Fifteen concurrent calls from two tabs meet the step-up challenge.
    const [first, second] = await Promise.all([
      fetchAll(page, `${api.origin}/sensitive/transfer`, 10),
      fetchAll(other, `${api.origin}/sensitive/transfer`, 5),
    ])
    for (const answer of [...first, ...second]) {
      expect(answer.status).toBe(401)
      expect(answer.challenge).toContain(`error="insufficient_user_authentication"`)
      expect(answer.challenge).toContain(`acr_values="${STRONG}"`)
    }
    // The API refused the weak token 15 times; nothing was refreshed or replayed because of it.
    const refusals = api.records.filter((record) => record.path === '/sensitive/transfer')
    expect(refusals).toHaveLength(15)
    expect(refusals.every((record) => record.acr === WEAK && record.status === 401)).toBe(true)
    expect(provider.counters.refreshGrants).toBe(refreshGrantsBefore)
    // Every tab heard it exactly once, with what the API asked for and nothing else.
    for (const tab of [page, other]) {
      await expect.poll(() => stepUpsOf(tab)).toEqual([{ type: 'step-up-required', payload: { acrValues: STRONG } }])
    }
    await expect(page.locator('#step-up-message')).toHaveText(
      `An API asks for a stronger sign-in (authentication ${STRONG}).`,
    )

    // The user signs in again, more strongly; the other tab keeps working with the session it has.
    await page.getByRole('button', { name: 'Sign in again' }).click()
    await page.waitForURL(`${provider.issuer}/**`)
    expect((await pageFetch(other, `${api.origin}/balance`)).status).toBe(200)
    expect((await pageFetch(other, '/api/me')).status).toBe(200)
    expect(api.records.at(-1)).toMatchObject({ path: '/balance', acr: WEAK, status: 200 })
    await logInAtProvider(page, app, provider)

    // The provider was asked for the stronger level, and the user had to log in again for it.
    expect(provider.authorizationRequests).toEqual([
      { acrValues: null, maxAge: null },
      { acrValues: STRONG, maxAge: null },
    ])
    expect(provider.logins).toEqual([
      { accountId: 'alice', acr: WEAK },
      { accountId: 'alice', acr: STRONG },
    ])
    expect(await sessionStatus(page)).toMatchObject({ authenticated: true, claims: { sub: 'alice', acr: STRONG } })

    // The page's retry goes out with the stronger token, and so do the other tab's calls.
    expect((await pageFetch(page, `${api.origin}/sensitive/transfer`)).status).toBe(200)
    expect((await pageFetch(other, `${api.origin}/sensitive/transfer`)).status).toBe(200)
    expect(api.records.slice(-2).map(({ path, acr, status }) => ({ path, acr, status }))).toEqual([
      { path: '/sensitive/transfer', acr: STRONG, status: 200 },
      { path: '/sensitive/transfer', acr: STRONG, status: 200 },
    ])
    // The other tab heard the step-up once, then the new sign-in; never that the session ended.
    await expect
      .poll(async () => (await sessionEvents(other)).map((event) => event.type))
      .toEqual(['step-up-required', 'session-started'])
  })

  test.describe('an API that also wants a recent sign-in', () => {
    test.use({ sensitive: { acr: STRONG, maxAge: 0 } })

    test('signIn({ acrValues, maxAge }) sends both to the provider, whose ID token must prove the max_age', async ({
      page,
      app,
      api,
      provider,
    }) => {
      await openOidcApp(page, app)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await logInAtProvider(page, app, provider)

      expect((await pageFetch(page, `${api.origin}/sensitive/export`)).status).toBe(401)
      await expect
        .poll(() => stepUpsOf(page))
        .toEqual([{ type: 'step-up-required', payload: { acrValues: STRONG, maxAge: 0 } }])

      await page.getByRole('button', { name: 'Sign in again' }).click()
      await logInAtProvider(page, app, provider)

      expect(provider.authorizationRequests.at(-1)).toEqual({ acrValues: STRONG, maxAge: '0' })
      expect(provider.logins.map((login) => login.acr)).toEqual([WEAK, STRONG])
      expect((await pageFetch(page, `${api.origin}/sensitive/export`)).status).toBe(200)
      expect(api.records.at(-1)).toMatchObject({ path: '/sensitive/export', acr: STRONG, status: 200 })
    })
  })
})

// Plain mode (a refresh endpoint, no OpenID provider): there is no signIn(), but the worker still
// tells every tab, so the app can re-authenticate its own way.
demoTest.describe('step-up in plain mode', () => {
  demoTest(
    'a step-up 401 reaches the page as it came, costs no refresh, and every tab hears step-up-required once',
    async ({ page, openTab, app }) => {
      await logIn(page)
      const other = await openTab()
      const challenge = 'Bearer error="insufficient_user_authentication", acr_values="urn:example:otp", max_age=600'
      app.api.failNext({ status: 401, wwwAuthenticate: challenge }, 6)

      const answers = [
        ...(await fetchAll(page, '/api/payments/approve', 3)),
        ...(await fetchAll(other, '/api/payments/approve', 3)),
      ]

      expect(answers).toEqual(Array(6).fill({ status: 401, challenge }))
      expect(app.api.records.map((record) => `${record.path} ${record.authorized} ${record.status}`)).toEqual(
        Array(6).fill('/api/payments/approve true 401'),
      )
      expect(app.auth.refreshLog).toEqual([])
      for (const tab of [page, other]) {
        await expect
          .poll(async () => (await sessionEvents(tab)).filter((event) => event.type === 'step-up-required'))
          .toEqual([{ type: 'step-up-required', payload: { acrValues: 'urn:example:otp', maxAge: 600 } }])
      }
      // The session goes on: the next call is accepted with the same token.
      expect((await pageFetch(other, '/api/me')).status).toBe(200)
    },
  )
})
