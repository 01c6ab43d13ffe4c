import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { openIdConnect } from './oidc/openIdConnect.js'
import type { TokenProxyOptions } from './glossary.js'
import { staticRoutes } from './staticRoutes.js'
import { routeOf } from './testStaticRouting.js'
import { TokenStore } from './tokenStore.js'
import { proxyOverFakes } from './testProxy.js'

/**
 * What a worker's configuration decides beyond a single request: which stored sessions it may
 * renew (Policy 10), which URLs it claims from the browser (Policy 12), and what it answers
 * without a provider.
 */

const ORIGIN = 'https://app.example'
const ISSUER = 'https://id.example'

function proxyOn(databaseName: string, options: TokenProxyOptions, fetchFn: typeof fetch = () => never()) {
  return proxyOverFakes(options, { origin: ORIGIN, fetch: fetchFn, store: new TokenStore(databaseName) }).proxy
}

function never(): Promise<Response> {
  return Promise.reject(new TypeError('Failed to fetch'))
}

const login = (proxy: ReturnType<typeof proxyOn>) =>
  proxy.handle(
    new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }),
    { role: 'token-endpoint' },
    () => undefined,
  )

const loginAnswer: typeof fetch = () =>
  Promise.resolve(Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer' }))

describe('a session is renewed only by the configuration that issued it (Policy 10)', () => {
  const withClient = (clientId?: string): TokenProxyOptions => ({
    api: ['/api/'],
    tokenEndpoints: ['/auth/login'],
    refresh: { url: '/auth/refresh', ...(clientId !== undefined && { clientId }) },
  })

  it.each<[string, string | undefined, string | undefined]>([
    ['another client id', 'spa', 'other-spa'],
    ['a client id where there was none', undefined, 'spa'],
    ['no client id where there was one', 'spa', undefined],
  ])('ends a stored session when the worker now refreshes with %s', async (_why, before, after) => {
    const databaseName = `config-test-${crypto.randomUUID()}`
    await login(proxyOn(databaseName, withClient(before), loginAnswer))

    const updated = proxyOn(databaseName, withClient(after))

    expect(await updated.status()).toEqual({ authenticated: false, expiresAt: null })
  })

  it.each([undefined, 'spa'])('keeps it when the worker restarts with the same client id (%s)', async (clientId) => {
    const databaseName = `config-test-${crypto.randomUUID()}`
    await login(proxyOn(databaseName, withClient(clientId), loginAnswer))

    const restarted = proxyOn(databaseName, withClient(clientId))

    expect(await restarted.status()).toMatchObject({ authenticated: true })
  })
})

describe('the URLs a worker claims from the browser (Policy 12)', () => {
  it('are its API prefixes, token endpoints and logout endpoint, and nothing else', () => {
    const proxy = proxyOn(`config-test-${crypto.randomUUID()}`, {
      api: ['/api/', 'http://localhost:8080/v1/'],
      tokenEndpoints: ['/auth/login', 'https://id.example/oauth/token'],
      refresh: { url: '/auth/refresh' },
      logout: '/auth/logout',
    })
    const rules = staticRoutes(proxy.ownedUrls)

    const routes = Object.fromEntries(
      [
        `${ORIGIN}/api/me`,
        'http://localhost:8080/v1/items',
        `${ORIGIN}/auth/login?next=/`,
        'https://id.example/oauth/token',
        `${ORIGIN}/auth/logout`,
        `${ORIGIN}/auth/refresh`,
        `${ORIGIN}/index.html`,
        'http://localhost:8080/v2/items',
      ].map((url) => [url, routeOf(rules, url)]),
    )

    expect(routes).toEqual({
      [`${ORIGIN}/api/me`]: 'fetch-event',
      'http://localhost:8080/v1/items': 'fetch-event',
      [`${ORIGIN}/auth/login?next=/`]: 'fetch-event',
      'https://id.example/oauth/token': 'fetch-event',
      [`${ORIGIN}/auth/logout`]: 'fetch-event',
      // The refresh endpoint is the worker's own business: the page's requests to it pass by.
      [`${ORIGIN}/auth/refresh`]: 'network',
      [`${ORIGIN}/index.html`]: 'network',
      'http://localhost:8080/v2/items': 'network',
    })
    expect(routeOf(rules, `${ORIGIN}/api/me`, 'navigate')).toBe('network')
    expect(routeOf(rules, `${ORIGIN}/api/me`, 'no-cors')).toBe('network')
  })

  it('match the scheme, and take characters of URL pattern syntax in a path literally', () => {
    const proxy = proxyOn(`config-test-${crypto.randomUUID()}`, {
      api: ['/api/', '/odd(path)+/'],
      refresh: { url: '/auth/refresh' },
    })
    const rules = staticRoutes(proxy.ownedUrls)

    expect(routeOf(rules, `${ORIGIN}/odd(path)+/x`)).toBe('fetch-event')
    expect(routeOf(rules, `${ORIGIN}/oddpath/x`)).toBe('network')
    expect(routeOf(rules, 'http://app.example/api/me')).toBe('network')
    expect(routeOf(rules, 'https://app.example:8443/api/me')).toBe('network')
  })

  it('without a logout endpoint, do not include one', () => {
    const proxy = proxyOn(`config-test-${crypto.randomUUID()}`, {
      api: ['/api/'],
      refresh: { url: '/auth/refresh' },
    })

    expect(proxy.ownedUrls.endpoints).toEqual([])
    expect(routeOf(staticRoutes(proxy.ownedUrls), `${ORIGIN}/auth/logout`)).toBe('network')
  })
})

describe('a worker without OpenID Connect', () => {
  const plain = () =>
    proxyOn(`config-test-${crypto.randomUUID()}`, { api: ['/api/'], refresh: { url: '/auth/refresh' } })

  it('refuses to start a sign-in with ERR_INVALID_OPTIONS', async () => {
    await expect(plain().signIn('/home')).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS' })
  })

  it('refuses to complete a sign-in with ERR_INVALID_OPTIONS, and starts no session', async () => {
    const proxy = plain()
    await expect(proxy.completeSignIn(`${ORIGIN}/callback?code=c&state=s`)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
    })
    expect(await proxy.status()).toEqual({ authenticated: false, expiresAt: null })
  })
})

describe('a sign-in with APIs that name their resource (RFC 8707)', () => {
  it('asks the provider for every distinct resource, once each', async () => {
    const provider: typeof fetch = () =>
      Promise.resolve(
        Response.json({ issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token` }),
      )
    const proxy = proxyOn(
      `config-test-${crypto.randomUUID()}`,
      {
        api: [
          '/api/',
          { prefix: '/billing/', resource: 'https://billing.example/' },
          { prefix: '/billing/v2/', resource: 'https://billing.example/', scope: 'write' },
          { prefix: '/orders/', resource: 'https://orders.example/' },
          { prefix: '/search/', audience: 'search' },
        ],
        oidc: openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }),
      },
      provider,
    )

    const url = new URL(await proxy.signIn('/home'))

    expect(url.searchParams.getAll('resource')).toEqual(['https://billing.example/', 'https://orders.example/'])
  })
})

describe('proxy.logout()', () => {
  it('resolves and leaves the session ended when the logout endpoint is unreachable', async () => {
    const databaseName = `config-test-${crypto.randomUUID()}`
    const options: TokenProxyOptions = {
      api: ['/api/'],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
      logout: '/auth/logout',
    }
    const proxy = proxyOn(databaseName, options, (input, init) =>
      new Request(input, init).url.endsWith('/auth/login') ? loginAnswer(input, init) : never(),
    )
    await login(proxy)

    await expect(proxy.logout()).resolves.toBeUndefined()

    expect(await proxy.status()).toEqual({ authenticated: false, expiresAt: null })
  })
})
