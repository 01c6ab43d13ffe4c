import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { openIdConnect } from './oidc/openIdConnect.js'
import { staticRoutes } from './staticRoutes.js'
import { routeOf } from './testStaticRouting.js'
import { proxyOverFakes } from './testProxy.js'
import { TokenStore } from './tokenStore.js'
import type { TokenProxyOptions } from './glossary.js'

// RP-Initiated Logout through the proxy: logout({ endSession }) answers a page of the worker's
// scope, the worker answers that navigation with the redirect to the provider (so no page script
// sees the ID token), and the page the provider sends the browser back to is recognised once.

const ISSUER = 'https://id.example'
const ORIGIN = 'https://app.example'
const SCOPE = `${ORIGIN}/app/`

/** A navigation, which a page's `fetch` cannot make (nor Node's Request): only what the proxy reads. */
const navigation = (url: string) => ({ url, mode: 'navigate', method: 'GET', headers: new Headers() }) as Request

async function setUp({ oidc = true } = {}) {
  const store = new TokenStore(`end-session-${crypto.randomUUID()}`)
  await store.start({
    loginId: 'login-1',
    issuedBy: oidc ? `oidc ${ISSUER}/ client_id=spa` : `refresh ${ORIGIN}/auth/refresh`,
    accessToken: 'at-1',
    refreshToken: 'rt-1',
    idToken: 'the-id-token',
    expiresAt: null,
    receivedAt: 0,
  })
  const sent: string[] = []
  const options: TokenProxyOptions = oidc
    ? {
        api: ['/app/api/'],
        oidc: openIdConnect({
          issuer: ISSUER,
          clientId: 'spa',
          redirectUri: '/app/callback',
          postLogoutRedirectUri: ['/app/signed-out', '/app/bye'],
        }),
      }
    : { api: ['/app/api/'], tokenEndpoints: ['/auth/login'], refresh: { url: '/auth/refresh' } }
  const { proxy } = proxyOverFakes(options, {
    origin: ORIGIN,
    scope: SCOPE,
    store,
    fetch: (input, init) => {
      const request = new Request(input, init)
      sent.push(`${request.method} ${request.url}`)
      if (new URL(request.url).pathname === '/.well-known/openid-configuration')
        return Promise.resolve(
          Response.json({
            issuer: ISSUER,
            authorization_endpoint: `${ISSUER}/auth`,
            token_endpoint: `${ISSUER}/token`,
            end_session_endpoint: `${ISSUER}/session/end`,
          }),
        )
      return Promise.resolve(new Response(null, { status: 200 }))
    },
  })
  return { proxy, store, sent }
}

describe('RP-Initiated Logout through the proxy', () => {
  it("owns the end-session page of the worker's scope, as a navigation only", async () => {
    const { proxy } = await setUp()
    const page = `${SCOPE}sw-token-proxy/end-session`
    expect(proxy.ownedUrls.navigations?.map(String)).toEqual([page])

    expect(proxy.route(navigation(`${page}?state=s`))).toEqual({ role: 'end-session' })
    // The same path elsewhere, another path, or the page fetched by a script: not the worker's page.
    expect(proxy.route(navigation(`https://other.example/app/sw-token-proxy/end-session`))).toBeUndefined()
    expect(proxy.route(navigation(`${ORIGIN}/sw-token-proxy/end-session`))).toBeUndefined()
    expect(proxy.route(navigation(`${SCOPE}sw-token-proxy/end-session/x`))).toBeUndefined()
    expect(proxy.route(new Request(page))).toBeUndefined()
  })

  it('ends the session here, then sends the browser to the provider with the hint, and back once', async () => {
    const { proxy, store } = await setUp()
    const kept: Array<Promise<unknown>> = []

    const answer = await proxy.logout((promise) => void kept.push(promise), { postLogoutRedirectUri: '/app/bye' })
    await Promise.all(kept)

    expect((await store.reload()).tokens).toBeNull()
    const endSessionUrl = new URL(answer?.endSessionUrl ?? 'about:blank')
    expect(endSessionUrl.origin + endSessionUrl.pathname).toBe(`${SCOPE}sw-token-proxy/end-session`)
    const state = endSessionUrl.searchParams.get('state')
    expect(state).toEqual(expect.any(String))

    const redirect = await proxy.handle(navigation(endSessionUrl.href), { role: 'end-session' }, () => undefined)
    expect(redirect.status).toBe(302)
    const provider = new URL(redirect.headers.get('Location') ?? 'about:blank')
    expect(provider.origin + provider.pathname).toBe(`${ISSUER}/session/end`)
    expect(Object.fromEntries(provider.searchParams)).toEqual({
      client_id: 'spa',
      id_token_hint: 'the-id-token',
      post_logout_redirect_uri: `${ORIGIN}/app/bye`,
      state,
    })

    expect(await proxy.completeLogout(`${ORIGIN}/app/signed-out?state=forged`)).toEqual({ endedAtProvider: false })
    expect(await proxy.completeLogout(`${ORIGIN}/app/bye`)).toEqual({ endedAtProvider: false })
    expect(await proxy.completeLogout(`${ORIGIN}/app/bye?state=${state}`)).toEqual({ endedAtProvider: true })
    expect(await proxy.completeLogout(`${ORIGIN}/app/bye?state=${state}`)).toEqual({ endedAtProvider: false })
  })

  it('sends a visit of the end-session page without a state to the provider without a hint', async () => {
    const { proxy } = await setUp()
    const redirect = await proxy.handle(
      navigation(`${SCOPE}sw-token-proxy/end-session`),
      { role: 'end-session' },
      () => undefined,
    )
    const provider = new URL(redirect.headers.get('Location') ?? 'about:blank')
    expect(provider.origin + provider.pathname).toBe(`${ISSUER}/session/end`)
    expect(provider.searchParams.has('id_token_hint')).toBe(false)
  })

  it('without oidc options: a logout here only, and endSession refused after the session ended', async () => {
    const { proxy, store } = await setUp({ oidc: false })
    expect(proxy.ownedUrls).not.toHaveProperty('navigations')
    expect(proxy.route(navigation(`${SCOPE}sw-token-proxy/end-session`))).toBeUndefined()

    await expect(proxy.logout(undefined, { postLogoutRedirectUri: undefined })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringContaining("Failed to end the provider's session") as unknown,
    })
    expect((await store.reload()).tokens).toBeNull()
    expect(await proxy.completeLogout(`${ORIGIN}/app/bye?state=s`)).toEqual({ endedAtProvider: false })
    const refused = await proxy.handle(
      navigation(`${SCOPE}sw-token-proxy/end-session`),
      { role: 'end-session' },
      () => undefined,
    )
    expect(refused.type).toBe('error')
  })

  it('still sends the browser to the provider when the session had already ended here, without a hint', async () => {
    const { proxy } = await setUp()
    await proxy.logout()
    const answer = await proxy.logout(undefined, { postLogoutRedirectUri: undefined })
    const redirect = await proxy.handle(
      navigation(answer?.endSessionUrl ?? ''),
      { role: 'end-session' },
      () => undefined,
    )
    const provider = new URL(redirect.headers.get('Location') ?? 'about:blank')
    expect(provider.origin + provider.pathname).toBe(`${ISSUER}/session/end`)
    expect(provider.searchParams.has('id_token_hint')).toBe(false)
  })

  it('answers no end-session page for a plain logout', async () => {
    const { proxy, store } = await setUp()
    expect(await proxy.logout()).toBeUndefined()
    expect((await store.reload()).tokens).toBeNull()
  })
})

describe("the end-session page in the worker's static routes", () => {
  it('sends its navigations to the worker, and every other navigation to the network', async () => {
    const { proxy } = await setUp()
    const rules = staticRoutes(proxy.ownedUrls)
    expect(routeOf(rules, `${SCOPE}sw-token-proxy/end-session?state=s`, 'navigate')).toBe('fetch-event')
    expect(routeOf(rules, `${SCOPE}sw-token-proxy/other`, 'navigate')).toBe('network')
    expect(routeOf(rules, `${SCOPE}`, 'navigate')).toBe('network')
  })

  it('has no such rule without oidc options', async () => {
    const { proxy } = await setUp({ oidc: false })
    expect(routeOf(staticRoutes(proxy.ownedUrls), `${SCOPE}sw-token-proxy/end-session`, 'navigate')).toBe('network')
  })
})
