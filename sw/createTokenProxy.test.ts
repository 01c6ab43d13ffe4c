import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import type { BroadcastType } from '../protocol/messages.js'
import { createTokenProxy } from './createTokenProxy.js'
import { DpopSender } from './dpop/DpopSender.js'
import { openIdConnect } from './oidc/openIdConnect.js'
import type { TokenProxyOptions } from './glossary.js'
import { noLocks } from './SessionRefresher.js'
import { TokenStore } from './tokenStore.js'

const ORIGIN = 'https://app.example'

/** The proxy over fakes: a scripted network that records what it was sent, and a fresh store. */
function setUp(
  answer: (request: Request) => Response | Promise<Response>,
  databaseName = `proxy-test-${crypto.randomUUID()}`,
  options: TokenProxyOptions = {
    api: ['/api/'],
    tokenEndpoints: ['/auth/login'],
    refresh: { url: '/auth/refresh' },
    logout: '/auth/logout',
  },
) {
  const sent: Array<{ method: string; url: string; authorization: string | null; body: string }> = []
  const broadcasts: BroadcastType[] = []
  const store = new TokenStore(databaseName)
  const proxy = createTokenProxy(options, {
    origin: ORIGIN,
    fetch: async (input, init) => {
      const request = new Request(input, init)
      sent.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.get('Authorization'),
        body: await request.clone().text(),
      })
      return answer(request)
    },
    store,
    locks: noLocks,
    broadcast: (type) => (broadcasts.push(type), Promise.resolve()),
    now: () => 1_000_000,
    warn: () => undefined,
    // The build with DPoP (sw-token-proxy/sw/dpop), for the tests that turn it on.
    dpop: (environment) => new DpopSender(environment),
  })
  const handle = (request: Request) => {
    const route = proxy.route(request)
    if (!route) throw new Error(`not routed: ${request.url}`)
    return proxy.handle(request, route, () => undefined)
  }
  return { proxy, handle, sent, broadcasts, store }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  return { promise: new Promise<T>((settle) => (resolve = settle)), resolve }
}

const unauthorized = () =>
  new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })

/** What went out, as `METHOD /path Authorization`. */
const summary = (sent: ReturnType<typeof setUp>['sent']) =>
  sent.map(({ method, url, authorization }) => `${method} ${new URL(url).pathname} ${authorization}`)

const tokens = (access: string, refresh: string) =>
  Response.json({ access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: 3600, user: 'ada' })

describe('createTokenProxy', () => {
  it('routes only eligible requests: API prefix, cors/same-origin, no Authorization of their own', () => {
    const { proxy } = setUp(() => new Response())
    const role = (url: string, init?: RequestInit) =>
      proxy.roleOf(new Request(`${ORIGIN}${url}`, init), new URL(`${ORIGIN}${url}`))

    expect(role('/api/x')).toBe('api')
    expect(role('/auth/login', { method: 'POST' })).toBe('token-endpoint')
    expect(role('/apix')).toBeUndefined()
    expect(role('/api/x', { mode: 'no-cors' })).toBeUndefined()
    expect(role('/api/x', { headers: { Authorization: 'Basic x' } })).toBeUndefined()
  })

  it('keeps login tokens, hands back the body without them, and adds the token to API calls', async () => {
    const { handle, sent, broadcasts } = setUp((request) =>
      request.url.endsWith('/auth/login') ? tokens('at-1', 'rt-1') : Response.json({ ok: true }),
    )

    const login = await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
    await handle(new Request(`${ORIGIN}/api/me`))

    expect(await login.json()).toEqual({ token_type: 'Bearer', expires_in: 3600, user: 'ada' })
    expect(sent.map((request) => `${request.url} ${request.authorization}`)).toEqual([
      `${ORIGIN}/auth/login null`,
      `${ORIGIN}/api/me Bearer at-1`,
    ])
    expect(broadcasts).toEqual(['SESSION_STARTED'])
  })

  it('on a 401 refreshes once and replays the same method and body with the new token', async () => {
    let apiCalls = 0
    const { handle, sent } = setUp((request) => {
      if (request.url.endsWith('/auth/login')) return tokens('at-1', 'rt-1')
      if (request.url.endsWith('/auth/refresh')) return tokens('at-2', 'rt-2')
      return ++apiCalls === 1
        ? new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
        : Response.json({ ok: true })
    })
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

    const response = await handle(new Request(`${ORIGIN}/api/orders`, { method: 'PUT', body: 'order 42' }))

    expect(response.status).toBe(200)
    expect(
      sent
        .slice(1)
        .map(({ method, url, authorization, body }) => `${method} ${new URL(url).pathname} ${authorization} ${body}`),
    ).toEqual([
      'PUT /api/orders Bearer at-1 order 42',
      'POST /auth/refresh null grant_type=refresh_token&refresh_token=rt-1',
      'PUT /api/orders Bearer at-2 order 42',
    ])
  })

  it("never lets a new login inherit the previous session's refresh token", async () => {
    let logins = 0
    const { handle, sent, broadcasts } = setUp((request) => {
      if (request.url.endsWith('/auth/login')) {
        // The first user's login comes with a refresh token; the second user's without one.
        return ++logins === 1
          ? tokens('at-alice', 'rt-alice')
          : Response.json({ access_token: 'at-bob', token_type: 'Bearer', expires_in: 3600 })
      }
      if (request.url.endsWith('/auth/refresh')) return tokens('at-alice-2', 'rt-alice-2')
      return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
    })
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: 'alice' }))
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: 'bob' }))

    const response = await handle(new Request(`${ORIGIN}/api/me`))

    expect(response.status).toBe(401)
    expect(sent.filter((request) => request.url.endsWith('/auth/refresh'))).toEqual([])
    expect(broadcasts).toEqual(['SESSION_STARTED', 'SESSION_STARTED', 'SESSION_EXPIRED'])
  })

  it('status() reads the stored record, so it sees what another worker version wrote', async () => {
    const databaseName = `proxy-test-${crypto.randomUUID()}`
    const { proxy, handle } = setUp(() => tokens('at-1', 'rt-1'), databaseName)
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
    expect(await proxy.status()).toMatchObject({ authenticated: true })

    await new TokenStore(databaseName).end()

    expect(await proxy.status()).toEqual({ authenticated: false, expiresAt: null })
  })

  describe('a session belongs to one login (Policy 10)', () => {
    it("never replays a request of user A's with user B's token when B logs in while it is out", async () => {
      const aliceResponse = deferred<Response>()
      let logins = 0
      const { handle, sent } = setUp((request) => {
        if (request.url.endsWith('/auth/login'))
          return ++logins === 1 ? tokens('at-alice', 'rt-alice') : tokens('at-bob', 'rt-bob')
        if (request.url.endsWith('/auth/logout')) return new Response(null, { status: 204 })
        if (request.url.endsWith('/api/alice-order')) return aliceResponse.promise
        return Response.json({ ok: true })
      })
      await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: 'alice' }))
      const aliceRequest = handle(new Request(`${ORIGIN}/api/alice-order`, { method: 'POST', body: 'order' }))
      await vi.waitFor(() => expect(summary(sent)).toContain('POST /api/alice-order Bearer at-alice'))

      await handle(new Request(`${ORIGIN}/auth/logout`, { method: 'POST' }))
      await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: 'bob' }))
      aliceResponse.resolve(unauthorized())

      // Alice's page gets the server's own 401; nothing of hers went out with Bob's token.
      expect((await aliceRequest).status).toBe(401)
      expect(summary(sent).filter((line) => line.includes('alice-order'))).toEqual([
        'POST /api/alice-order Bearer at-alice',
      ])
      expect(summary(sent).some((line) => line.includes('/auth/refresh'))).toBe(false)
      // And Bob's own requests carry Bob's token.
      await handle(new Request(`${ORIGIN}/api/bob`))
      expect(summary(sent).at(-1)).toBe('GET /api/bob Bearer at-bob')
    })

    it('a refresh user A started is not handed to user B, and B refreshes with his own token', async () => {
      const aliceRefresh = deferred<Response>()
      let logins = 0
      let refreshes = 0
      let bobCalls = 0
      const { handle, sent, broadcasts } = setUp((request) => {
        if (request.url.endsWith('/auth/login'))
          return ++logins === 1 ? tokens('at-alice', 'rt-alice') : tokens('at-bob', 'rt-bob')
        if (request.url.endsWith('/auth/refresh'))
          return ++refreshes === 1 ? aliceRefresh.promise : tokens('at-bob-2', 'rt-bob-2')
        if (request.url.endsWith('/auth/logout')) return new Response(null, { status: 204 })
        if (request.url.endsWith('/api/bob')) return ++bobCalls === 1 ? unauthorized() : Response.json({ ok: true })
        return unauthorized()
      })
      await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: 'alice' }))
      const aliceRequest = handle(new Request(`${ORIGIN}/api/alice`))
      await vi.waitFor(() => expect(refreshes).toBe(1))

      await handle(new Request(`${ORIGIN}/auth/logout`, { method: 'POST' }))
      await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: 'bob' }))
      // Bob's request does not wait for Alice's refresh, which is still held at the server.
      const bob = await handle(new Request(`${ORIGIN}/api/bob`))
      aliceRefresh.resolve(new Response('down', { status: 503 }))

      expect(bob.status).toBe(200)
      expect((await aliceRequest).status).toBe(401)
      expect(sent.filter((request) => request.url.endsWith('/auth/refresh')).map((request) => request.body)).toEqual([
        'grant_type=refresh_token&refresh_token=rt-alice',
        'grant_type=refresh_token&refresh_token=rt-bob',
      ])
      expect(summary(sent).filter((line) => line.startsWith('GET /api/bob'))).toEqual([
        'GET /api/bob Bearer at-bob',
        'GET /api/bob Bearer at-bob-2',
      ])
      // Alice's failure is not announced to Bob's tabs.
      expect(broadcasts).not.toContain('REFRESH_FAILED')
    })
  })

  describe('logout is durable', () => {
    it('clears the store and tells every tab before the logout request goes out', async () => {
      const databaseName = `proxy-test-${crypto.randomUUID()}`
      const seenAtLogout: Array<{ stored: boolean; broadcasts: BroadcastType[] }> = []
      const { handle, sent, broadcasts } = setUp(async (request) => {
        if (request.url.endsWith('/auth/logout')) {
          seenAtLogout.push({
            stored: (await new TokenStore(databaseName).reload()).tokens !== null,
            broadcasts: [...broadcasts],
          })
          return new Response(null, { status: 204 })
        }
        return tokens('at-1', 'rt-1')
      }, databaseName)
      await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

      expect((await handle(new Request(`${ORIGIN}/auth/logout`, { method: 'POST' }))).status).toBe(204)

      expect(seenAtLogout).toEqual([{ stored: false, broadcasts: ['SESSION_STARTED', 'SESSION_ENDED'] }])
      expect(summary(sent).at(-1)).toBe('POST /auth/logout Bearer at-1')
    })

    it('does the same for proxy.logout(), and a logout endpoint that never answers leaves nothing behind', async () => {
      const databaseName = `proxy-test-${crypto.randomUUID()}`
      const { proxy, handle, sent, broadcasts } = setUp(
        (request) =>
          request.url.endsWith('/auth/logout') ? new Promise<Response>(() => undefined) : tokens('at-1', 'rt-1'),
        databaseName,
      )
      await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

      void proxy.logout()
      await vi.waitFor(() => expect(summary(sent).at(-1)).toBe('POST /auth/logout Bearer at-1'))

      expect((await new TokenStore(databaseName).reload()).tokens).toBeNull()
      expect(broadcasts).toEqual(['SESSION_STARTED', 'SESSION_ENDED'])
    })
  })

  describe('a session is refreshed only where it was issued', () => {
    it('ends a stored session when the worker now refreshes elsewhere, and never sends it there', async () => {
      const databaseName = `proxy-test-${crypto.randomUUID()}`
      const first = setUp(() => tokens('at-1', 'rt-1'), databaseName)
      await first.handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

      const moved = setUp(() => unauthorized(), databaseName, {
        api: ['/api/'],
        refresh: { url: 'https://new-auth.example/refresh' },
      })
      expect((await moved.handle(new Request(`${ORIGIN}/api/me`))).status).toBe(401)
      expect(await moved.proxy.status()).toEqual({ authenticated: false, expiresAt: null })

      expect(summary(moved.sent)).toEqual(['GET /api/me null'])
      expect(moved.broadcasts).toEqual(['SESSION_EXPIRED'])
    })

    it('keeps the session across a deployment that changes only the api prefixes', async () => {
      const databaseName = `proxy-test-${crypto.randomUUID()}`
      const first = setUp(() => tokens('at-1', 'rt-1'), databaseName)
      await first.handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

      const redeployed = setUp(() => Response.json({ ok: true }), databaseName, {
        api: ['/api/', '/v2/'],
        refresh: { url: '/auth/refresh' },
        refreshAheadSeconds: 5,
      })
      await redeployed.handle(new Request(`${ORIGIN}/v2/me`))

      expect(summary(redeployed.sent)).toEqual(['GET /v2/me Bearer at-1'])
      expect(redeployed.broadcasts).toEqual([])
    })
  })

  describe("a 401 is the API's verdict only when it comes from the API", () => {
    it('does not refresh or replay for a 401 from a page the request was redirected to off the api prefixes', async () => {
      const { handle, sent } = setUp((request) => {
        if (request.url.endsWith('/auth/login')) return tokens('at-1', 'rt-1')
        const landing = unauthorized()
        Object.defineProperties(landing, { redirected: { value: true }, url: { value: `${ORIGIN}/login-page` } })
        return landing
      })
      await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

      expect((await handle(new Request(`${ORIGIN}/api/me`))).status).toBe(401)
      expect(summary(sent).slice(1)).toEqual(['GET /api/me Bearer at-1'])
    })

    it('costs one refresh, not one per call, when the API refuses even a freshly renewed token', async () => {
      let refreshes = 0
      const { handle, sent } = setUp((request) => {
        if (request.url.endsWith('/auth/login')) return tokens('at-1', 'rt-1')
        if (request.url.endsWith('/auth/refresh')) return tokens(`at-${++refreshes + 1}`, `rt-${refreshes + 1}`)
        return unauthorized()
      })
      await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

      for (let call = 0; call < 5; call += 1)
        expect((await handle(new Request(`${ORIGIN}/api/always-401`))).status).toBe(401)

      expect(refreshes).toBe(1)
      expect(summary(sent).filter((line) => line.includes('/api/'))).toEqual([
        'GET /api/always-401 Bearer at-1',
        ...Array<string>(5).fill('GET /api/always-401 Bearer at-2'),
      ])
    })

    it('never replays with the token the API just refused, and counts a refresh that hands it out again as one', async () => {
      // A server that renews by handing out the same access token while it is valid.
      let refreshes = 0
      const { handle, sent } = setUp((request) => {
        if (request.url.endsWith('/auth/login')) return tokens('at-1', 'rt-1')
        if (request.url.endsWith('/auth/refresh')) return (refreshes++, tokens('at-1', `rt-${refreshes + 1}`))
        return unauthorized()
      })
      await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

      for (let call = 0; call < 3; call += 1)
        expect((await handle(new Request(`${ORIGIN}/api/always-401`))).status).toBe(401)

      expect(refreshes).toBe(1)
      expect(summary(sent).filter((line) => line.includes('/api/'))).toEqual(
        Array<string>(3).fill('GET /api/always-401 Bearer at-1'),
      )
    })
  })
})

describe('a sign-in in progress belongs to the configuration that began it (Policy 10)', () => {
  const ISSUER = 'https://id.example'
  const provider = (request: Request) =>
    new URL(request.url).pathname === '/.well-known/openid-configuration'
      ? Response.json({ issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token` })
      : Response.json({ error: 'invalid_grant' }, { status: 400 })
  const withOidc = (dpop: boolean): TokenProxyOptions => ({
    api: ['/api/'],
    oidc: openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }),
    ...(dpop && { dpop: true }),
  })
  const callbackFor = (authorizationUrl: string) =>
    `${ORIGIN}/callback?code=the-code&state=${new URL(authorizationUrl).searchParams.get('state')!}`
  const codeExchanges = (sent: ReturnType<typeof setUp>['sent']) =>
    sent.filter(({ url, body }) => url === `${ISSUER}/token` && body.includes('grant_type=authorization_code'))

  it('is not completed by a worker updated meanwhile to another DPoP setting: the code goes nowhere', async () => {
    const databaseName = `proxy-test-${crypto.randomUUID()}`
    const began = setUp(provider, databaseName, withOidc(true))
    const authorizationUrl = await began.proxy.signIn('/after')

    const updated = setUp(provider, databaseName, withOidc(false))
    const refusal = await updated.proxy.completeSignIn(callbackFor(authorizationUrl)).catch((error: unknown) => error)
    expect(refusal).toMatchObject({ code: 'ERR_SIGN_IN_FAILED' })
    expect((refusal as Error).message).toMatch(
      /^\[sw-token-proxy\] Failed to complete the sign-in: .*another provider, client or DPoP setting.*Start again with signIn\(\)\.$/,
    )
    expect(codeExchanges(updated.sent)).toEqual([])
    expect((await updated.store.reload()).tokens ?? null).toBeNull()
  })

  it('is completed by a worker configured the same way: the code reaches the provider', async () => {
    const databaseName = `proxy-test-${crypto.randomUUID()}`
    const began = setUp(provider, databaseName, withOidc(true))
    const authorizationUrl = await began.proxy.signIn('/after')

    const restarted = setUp(provider, databaseName, withOidc(true))
    // The fake provider refuses the code; what matters is that the code was presented.
    await expect(restarted.proxy.completeSignIn(callbackFor(authorizationUrl))).rejects.toMatchObject({
      code: 'ERR_SIGN_IN_FAILED',
    })
    expect(codeExchanges(restarted.sent)).toHaveLength(1)
  })
})
