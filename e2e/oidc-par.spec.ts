import type { Page } from '@playwright/test'
import { expect, expireAccessToken, sessionEventTypes, test as base } from '../playwright/index.ts'
import { demoBuildDir } from '../demo/server/demoBuildDir.ts'
import { AudienceApi } from './support/AudienceApi.ts'
import { OidcApp } from './support/OidcApp.ts'
import { openOidcApp, signIn } from './support/oidcPages.ts'
import { startOidcProvider, type OidcProviderOptions, type RunningOidcProvider } from './support/OidcProvider.ts'
import { pageFetch } from './support/tabs.ts'

// Cases 41 and 42 (e2e/README.md): pushed authorization requests (RFC 9126) against oidc-provider
// with `features.pushedAuthorizationRequests`, mostly with `requirePushedAuthorizationRequests`,
// so a sign-in that did not push is refused. What is asserted is what the provider recorded
// (`provider.pushedAuthorizationRequests`, `provider.tokenLog`) and the authorization URLs the
// browser itself visited.
const SCOPE = 'read'

interface Fixtures {
  par: NonNullable<OidcProviderOptions['pushedAuthorizationRequests']>
  /** The worker's `oidc.pushedAuthorizationRequests`; `undefined`: the default, `'auto'`. */
  workerPar: 'auto' | boolean | undefined
  dpop: boolean
  app: OidcApp
  /** With `dpop`: an API on another site that accepts only DPoP-bound tokens of its own audience. */
  api: AudienceApi
  provider: RunningOidcProvider
  /** The query of every navigation to the provider's authorization endpoint, in order. */
  authorizationUrls: Array<Record<string, string>>
}

const test = base.extend<Fixtures>({
  par: ['required', { option: true }],
  workerPar: [undefined, { option: true }],
  dpop: [false, { option: true }],
  app: async ({ workerPar, dpop }, use) => {
    const app = await new OidcApp().start(demoBuildDir)
    app.pushedAuthorizationRequests = workerPar
    app.dpop = dpop
    await use(app)
    await app.close()
  },
  api: async ({ app, dpop }, use) => {
    const api = await new AudienceApi({ dpop }).start(app.origin)
    await use(api)
    await api.close()
  },
  provider: async ({ app, api, par, dpop }, use) => {
    const provider = await startOidcProvider({
      clientOrigin: app.origin,
      clientRedirectUris: [`${app.origin}/oidc.html`],
      pushedAuthorizationRequests: par,
      ...(dpop && {
        requireDpopNonce: true,
        resourceServers: { [api.resource]: { scope: SCOPE } },
        defaultResource: api.resource,
      }),
    })
    app.issuer = provider.issuer
    api.issuer = provider.issuer
    if (dpop) {
      app.api = [`${api.origin}/`]
      app.scope = `openid offline_access ${SCOPE}`
    }
    await use(provider)
    await provider.close()
  },
  authorizationUrls: async ({ page, provider }, use) => {
    const visited: Array<Record<string, string>> = []
    page.on('request', (request) => {
      const url = new URL(request.url())
      if (request.isNavigationRequest() && url.origin === provider.issuer && url.pathname === '/auth')
        visited.push(Object.fromEntries(url.searchParams))
    })
    await use(visited)
  },
})

/** What the worker pushes for a sign-in of the demo's worker (`prompt=consent`), without DPoP. */
const PUSHED_PARAMETERS = [
  'client_id',
  'code_challenge',
  'code_challenge_method',
  'nonce',
  'prompt',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
]

const onlyRequestUri = (query: Record<string, string>) => {
  expect(Object.keys(query).sort()).toEqual(['client_id', 'request_uri'])
  expect(query['client_id']).toBe('spa')
  expect(query['request_uri']).toMatch(/^urn:ietf:params:oauth:request_uri:/)
}

async function callApi(page: Page, url: string): Promise<number> {
  return (await pageFetch(page, url)).status
}

test.describe('pushed authorization requests (RFC 9126) with oidc-provider', () => {
  test('a provider that requires PAR: the worker pushes, the browser carries only client_id and request_uri, and the session signs in, calls the API and refreshes', async ({
    page,
    app,
    provider,
    authorizationUrls,
  }) => {
    await signIn(page, app, provider)

    expect(provider.pushedAuthorizationRequests).toEqual([
      {
        status: 201,
        error: null,
        parameters: PUSHED_PARAMETERS,
        clientId: 'spa',
        acrValues: null,
        maxAge: null,
        dpopJkt: null,
        codeChallengeMethod: 'S256',
        proved: false,
      },
    ])
    expect(authorizationUrls).toHaveLength(1)
    onlyRequestUri(authorizationUrls[0]!)
    expect(provider.tokenLog).toEqual([expect.objectContaining({ grantType: 'authorization_code', status: 200 })])
    await expect(page.locator('#session-user')).toHaveText('as alice')
    expect(await callApi(page, '/api/me')).toBe(200)

    await expireAccessToken(page)
    expect(await callApi(page, '/api/after-expiry')).toBe(200)
    expect(provider.counters.refreshGrants).toBe(1)
    expect(app.records).toEqual([
      { path: '/api/me', authorized: true, status: 200 },
      { path: '/api/after-expiry', authorized: true, status: 200 },
    ])
    expect(await sessionEventTypes(page)).toEqual(['session-started', 'session-refreshed'])
  })

  test.describe('with pushedAuthorizationRequests: false in the worker', () => {
    test.use({ workerPar: false })

    test('the request goes in the URL, the provider that requires PAR refuses it, and the page hears that refusal', async ({
      page,
      app,
      provider,
      authorizationUrls,
    }) => {
      await openOidcApp(page, app)
      await page.getByRole('button', { name: 'Sign in' }).click()

      await expect(page.locator('#message')).toHaveText(
        '[sw-token-proxy] Failed to complete the sign-in: the provider answered "invalid_request". Start again with signIn(); if it keeps failing, check the client registration at the provider.',
      )
      expect(provider.pushedAuthorizationRequests).toEqual([])
      expect(authorizationUrls).toHaveLength(1)
      expect(authorizationUrls[0]).toMatchObject({
        client_id: 'spa',
        response_type: 'code',
        code_challenge_method: 'S256',
      })
      expect(authorizationUrls[0]).not.toHaveProperty('request_uri')
      expect(provider.counters.tokenRequests).toBe(0)
    })
  })

  test.describe('a provider that offers PAR without requiring it (oidc-provider v9’s default)', () => {
    test.use({ par: 'offered' })

    test("the worker's default ('auto') pushes", async ({ page, app, provider, authorizationUrls }) => {
      await signIn(page, app, provider, 'bob')

      expect(provider.pushedAuthorizationRequests.map(({ status, parameters }) => ({ status, parameters }))).toEqual([
        { status: 201, parameters: PUSHED_PARAMETERS },
      ])
      expect(authorizationUrls).toHaveLength(1)
      onlyRequestUri(authorizationUrls[0]!)
      expect(await callApi(page, '/api/me')).toBe(200)
    })
  })

  test.describe('with DPoP (oidc-provider features.dPoP, nonces required)', () => {
    test.use({ dpop: true })

    test('the pushed request binds the code to the session key (dpop_jkt); the exchange, the tokens, the refresh and the API calls are all by that key', async ({
      page,
      api,
      app,
      provider,
      authorizationUrls,
    }) => {
      await signIn(page, app, provider)

      const [pushed] = provider.pushedAuthorizationRequests
      expect(provider.pushedAuthorizationRequests).toHaveLength(1)
      expect(pushed).toMatchObject({
        status: 201,
        proved: false,
        parameters: [...PUSHED_PARAMETERS, 'dpop_jkt'].sort(),
      })
      const jkt = pushed!.dpopJkt!
      expect(jkt).toMatch(/^[\w-]{43}$/)
      onlyRequestUri(authorizationUrls[0]!)
      expect(authorizationUrls).toHaveLength(1)

      expect(await callApi(page, `${api.origin}/me`)).toBe(200)
      await expireAccessToken(page)
      expect(await callApi(page, `${api.origin}/after-expiry`)).toBe(200)

      const successes = provider.tokenLog.filter((entry) => entry.status === 200)
      expect(successes.map(({ grantType }) => grantType)).toEqual(['authorization_code', 'refresh_token'])
      expect(successes[0]).toMatchObject({ codeBoundTo: jkt, boundTo: jkt })
      expect(successes[1]).toMatchObject({ boundTo: jkt })
      expect(
        provider.tokenLog.every((entry) => entry.proved && (entry.status === 200 || entry.error === 'use_dpop_nonce')),
      ).toBe(true)
      const verified = api.records.filter((record) => record.status === 200)
      expect(verified.map(({ path, dpop, jkt: key }) => ({ path, dpop, key }))).toEqual([
        { path: '/me', dpop: 'verified', key: jkt },
        { path: '/after-expiry', dpop: 'verified', key: jkt },
      ])
    })
  })
})
