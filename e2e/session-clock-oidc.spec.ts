import type { BrowserContext, Page } from '@playwright/test'
import {
  advanceSessionClock,
  expect,
  expireAccessToken,
  sessionEvents,
  sessionStatus,
  waitForTokenProxy,
} from '../playwright/index.ts'
import type { OidcApp } from './support/OidcApp.ts'
import { oidcTest } from './support/oidcFixtures.ts'
import { signIn as signInThroughProvider } from './support/oidcPages.ts'
import { DEV_INTERACTIONS, startOidcProvider, type RunningOidcProvider } from './support/OidcProvider.ts'
import { pageFetch } from './support/tabs.ts'

// Case 40, the session clock (Policy 16) with OpenID Connect, against oidc-provider: the ceiling
// counts from the sign-in the ID token states (`auth_time`), its end revokes the refresh token at
// the provider (RFC 7009), and a provider that states no refresh lifetime gets none invented. The
// clock is moved with advanceSessionClock(); nothing here waits out a real lifetime.

/** The page whose worker is /sw-oidc-session.js: ceiling 1 h, idle 2 h, warning 120 s before. */
const PATH = '/oidc-session.html'
const WORKER = '/sw-oidc-session.js'
const MAX_SECONDS = 60 * 60
const WARN_BEFORE_SECONDS = 120
/** What a comparison of the worker's instants with the test's allows: the provider's are whole seconds. */
const TOLERANCE_MS = 2_000

const test = oidcTest.extend<{ loginAgeSeconds: number | undefined }>({
  loginAgeSeconds: [undefined, { option: true }],
  // The shared provider, with every ID token stating auth_time (`require_auth_time`), this page as
  // a redirect URI, and refresh tokens that outlive the ceiling (a day), so the worker's ceiling
  // can be told from the provider's own lifetime, which its token responses never state.
  provider: async ({ app, accessTokenTtlSeconds, loginAgeSeconds }, use) => {
    const provider = await startOidcProvider({
      clientOrigin: app.origin,
      clientRedirectUris: [`${app.origin}/oidc.html`, `${app.origin}${PATH}`],
      accessTokenTtlSeconds,
      refreshTokenTtlSeconds: 24 * 60 * 60,
      requireAuthTime: true,
      ...(loginAgeSeconds !== undefined && { loginAgeSeconds }),
    })
    app.issuer = provider.issuer
    await use(provider)
    await provider.close()
  },
})

async function openTab(context: BrowserContext, app: OidcApp): Promise<Page> {
  const tab = await context.newPage()
  await tab.goto(`${app.origin}${PATH}`)
  await waitForTokenProxy(tab)
  expect(await tab.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${app.origin}${WORKER}`)
  return tab
}

/** Signs in through the provider's login and consent screens; answers when it began and ended. */
async function signIn(page: Page, app: OidcApp, provider: RunningOidcProvider): Promise<{ from: number; to: number }> {
  const from = Date.now()
  await signInThroughProvider(page, app, provider, 'alice', { path: PATH })
  return { from, to: Date.now() }
}

const heard = async (tab: Page, type: string) => (await sessionEvents(tab)).filter((event) => event.type === type)

test.describe('the session clock with OpenID Connect', () => {
  test('three tabs: the ceiling warns every tab once, then ends the session in every tab once and revokes the refresh token', async ({
    page,
    context,
    app,
    provider,
  }) => {
    await signIn(page, app, provider)
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${app.origin}${WORKER}`)
    const tabs = [page, await openTab(context, app), await openTab(context, app)]
    expect((await pageFetch(tabs[1]!, '/api/before')).status).toBe(200)
    const { sessionEndsAt } = await sessionStatus(page)

    // 10 s into the warning (120 s before the ceiling): every tab hears it once, saying why.
    const warned = await advanceSessionClock(page, MAX_SECONDS - WARN_BEFORE_SECONDS + 10)
    expect(warned.expiring).toMatchObject({
      reason: 'session_ceiling',
      endsAt: sessionEndsAt! - (MAX_SECONDS - WARN_BEFORE_SECONDS + 10) * 1000,
    })
    for (const tab of tabs) {
      await expect.poll(() => heard(tab, 'session-expiring')).toHaveLength(1)
      expect((await heard(tab, 'session-expiring'))[0]?.payload).toMatchObject({ reason: 'session_ceiling' })
    }
    // Further into the warning, asked from another tab: the same warning, not a new one.
    expect((await advanceSessionClock(tabs[2]!, 30)).expiring).toMatchObject({ reason: 'session_ceiling' })

    // Past the ceiling: the session ends in every tab, once, for the ceiling.
    expect(await advanceSessionClock(tabs[1]!, 100)).toEqual({ authenticated: false, expiresAt: null })
    for (const tab of tabs) {
      await expect
        .poll(() => heard(tab, 'session-expired'))
        .toEqual([{ type: 'session-expired', payload: { reason: 'session_ceiling' } }])
      // Each tab's messages arrive in order: nothing after the first warning repeated it.
      expect(await heard(tab, 'session-expiring')).toHaveLength(1)
    }
    await expect(page.locator('#message')).toContainText('Your session expired (session_ceiling)')

    // The provider was told (RFC 7009): one revocation, of the refresh token, which it honoured.
    await expect.poll(() => provider.revocationLog).toEqual([{ status: 200, revoked: 'RefreshToken' }])
    expect(provider.counters.refreshGrants).toBe(0)
    // The API gets no token any more.
    expect((await pageFetch(tabs[2]!, '/api/after-ceiling')).status).toBe(401)
    expect(app.records.at(-1)).toEqual({ path: '/api/after-ceiling', authorized: false, status: 401 })
    expect(provider.counters.refreshGrants).toBe(0)
  })

  test.describe('with a provider session older than the sign-in', () => {
    // The user authenticated at the provider 20 minutes before this app's first sign-in.
    const LOGIN_AGE_SECONDS = 20 * 60
    test.use({ loginAgeSeconds: LOGIN_AGE_SECONDS })

    test("the ceiling counts from the ID token's auth_time: a second sign-in that reuses the provider's session does not move it", async ({
      page,
      app,
      provider,
    }) => {
      const first = await signIn(page, app, provider)
      const firstStatus = await sessionStatus(page)
      const authTime = firstStatus.claims?.['auth_time']
      expect(typeof authTime).toBe('number')
      // The ceiling counts from the authentication at the provider, not from this sign-in.
      const fromAuthTime = (at: number) => at - LOGIN_AGE_SECONDS * 1000 + MAX_SECONDS * 1000
      expect(firstStatus.sessionEndsAt).toBeGreaterThanOrEqual(fromAuthTime(first.from) - TOLERANCE_MS)
      expect(firstStatus.sessionEndsAt).toBeLessThanOrEqual(fromAuthTime(first.to) + TOLERANCE_MS)

      // Signing in again: the provider still has its session, so it asks for consent only.
      const from = Date.now()
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.waitForURL(`${provider.issuer}/**`)
      await expect(page.getByRole('button', { name: DEV_INTERACTIONS.consentButton })).toBeVisible()
      await expect(page.locator(DEV_INTERACTIONS.loginInput)).toHaveCount(0)
      await page.getByRole('button', { name: DEV_INTERACTIONS.consentButton }).click()
      await page.waitForURL(`${app.origin}${PATH}**`)
      await expect(page.locator('#session-state')).toHaveText('signed in')
      await expect.poll(async () => (await heard(page, 'session-started')).length).toBe(2)

      const second = await sessionStatus(page)
      // A new ID token of the same authentication.
      expect(second.claims?.['auth_time']).toBe(authTime)
      expect(second.claims?.['iat']).toBeGreaterThanOrEqual(firstStatus.claims?.['iat'] as number)
      expect(provider.tokenLog.filter((record) => record.grantType === 'authorization_code')).toHaveLength(2)
      // Still counted from the first authentication, not from this token's receipt.
      expect(Math.abs(second.sessionEndsAt! - firstStatus.sessionEndsAt!)).toBeLessThanOrEqual(TOLERANCE_MS)
      expect(second.sessionEndsAt).toBeLessThan(from + MAX_SECONDS * 1000 - LOGIN_AGE_SECONDS * 1000 + TOLERANCE_MS)
    })
  })

  test('opaque refresh tokens without a stated lifetime: the session ends at the ceiling only, and a renewal does not move it', async ({
    page,
    app,
    provider,
  }) => {
    const signedIn = await signIn(page, app, provider)
    // What oidc-provider answered: an opaque refresh token, and no field that states its lifetime.
    const [codeResponse] = provider.tokenResponses
    expect(codeResponse).toMatchObject({ grantType: 'authorization_code', refreshTokenIsJwt: false })
    expect(codeResponse!.fields).toContain('refresh_token')
    expect(codeResponse!.fields).not.toContain('refresh_expires_in')
    expect(codeResponse!.fields).not.toContain('refresh_token_expires_in')

    const status = await sessionStatus(page)
    // One hour from the sign-in: the ceiling, not the provider's day-long refresh token, nor any
    // lifetime the worker made up.
    expect(status.sessionEndsAt).toBeGreaterThanOrEqual(signedIn.from + MAX_SECONDS * 1000 - TOLERANCE_MS)
    expect(status.sessionEndsAt).toBeLessThanOrEqual(signedIn.to + MAX_SECONDS * 1000 + TOLERANCE_MS)
    // The first end is the ceiling: the warning is 120 s before it.
    expect(status.warnsAt).toBe(status.sessionEndsAt! - WARN_BEFORE_SECONDS * 1000)

    // A renewal with a rotated refresh token, again of no stated lifetime, leaves the end where it was.
    await expireAccessToken(page)
    expect((await pageFetch(page, '/api/after-renewal')).status).toBe(200)
    expect(provider.counters.refreshGrants).toBe(1)
    const renewal = provider.tokenResponses.find((response) => response.grantType === 'refresh_token')
    expect(renewal).toMatchObject({ refreshTokenIsJwt: false })
    expect(renewal!.fields).toContain('refresh_token')
    expect(renewal!.fields).not.toContain('refresh_expires_in')
    expect((await sessionStatus(page)).sessionEndsAt).toBe(status.sessionEndsAt)
  })
})
