import 'fake-indexeddb/auto'
import { generateKeyPair } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BroadcastType } from '../protocol/messages.js'
import type { TokenProxyOptions } from './glossary.js'
import { openIdConnect } from './oidc/openIdConnect.js'
import { discoveryDocument, idToken } from './testOidcProvider.js'
import { proxyOverFakes } from './testProxy.js'
import { TokenStore, type SessionTokens } from './tokenStore.js'

// createTokenProxy at its edges: which stored sessions a worker may renew (Policy 10), a page's
// stayActive(), the OpenID calls of a worker without oidc, a sign-in through the proxy, and a
// renewal asked for at the very instant the session clock ends.

const ORIGIN = 'https://app.example'
const ISSUER = 'https://id.example'
const T0 = 1_700_000_000_000

const stored = (issuedBy: string): SessionTokens => ({
  loginId: 'login-1',
  issuedBy,
  accessToken: 'at-1',
  refreshToken: 'rt-1',
  idToken: undefined,
  expiresAt: null,
  receivedAt: T0,
})

async function storeWith(tokens: SessionTokens): Promise<TokenStore> {
  const store = new TokenStore(`edges-${crypto.randomUUID()}`)
  await store.start(tokens)
  return store
}

describe('which stored session a refresh-endpoint worker uses (Policy 10)', () => {
  const worker = (store: TokenStore, refresh: TokenProxyOptions['refresh']) => {
    const sent: string[] = []
    const broadcasts: Array<{ type: BroadcastType; payload: unknown }> = []
    const { proxy, handle } = proxyOverFakes({ api: ['/api/'], refresh } as TokenProxyOptions, {
      origin: ORIGIN,
      store,
      now: () => T0,
      broadcast: (type, payload) => (broadcasts.push({ type, payload }), Promise.resolve()),
      fetch: (input, init) => {
        const request = new Request(input, init)
        sent.push(`${new URL(request.url).pathname} ${request.headers.get('Authorization') ?? '-'}`)
        return Promise.resolve(Response.json({ ok: true }))
      },
    })
    return { proxy, sent, broadcasts, api: () => handle(new Request(`${ORIGIN}/api/me`)) }
  }

  it('uses the session its own endpoint issued, without a client_id', async () => {
    const { proxy, api, sent } = worker(await storeWith(stored(`refresh ${ORIGIN}/auth/refresh`)), {
      url: '/auth/refresh',
    })
    expect((await proxy.status()).authenticated).toBe(true)
    await api()
    expect(sent).toEqual(['/api/me Bearer at-1'])
  })

  it('uses the session of its endpoint and client, and ends one of another client', async () => {
    const own = worker(await storeWith(stored(`refresh ${ORIGIN}/auth/refresh client_id=web`)), {
      url: '/auth/refresh',
      clientId: 'web',
    })
    expect((await own.proxy.status()).authenticated).toBe(true)

    const other = worker(await storeWith(stored(`refresh ${ORIGIN}/auth/refresh client_id=web`)), {
      url: '/auth/refresh',
      clientId: 'mobile',
    })
    expect((await other.proxy.status()).authenticated).toBe(false)
    expect(other.broadcasts).toEqual([{ type: 'SESSION_EXPIRED', payload: { reason: 'configuration_changed' } }])
    await other.api()
    expect(other.sent).toEqual(['/api/me -'])
  })
})

describe("a page's stayActive()", () => {
  function setUp(store?: TokenStore) {
    const { proxy } = proxyOverFakes(
      { api: ['/api/'], refresh: { url: '/auth/refresh' }, session: { idleSeconds: 300 } },
      {
        origin: ORIGIN,
        now: () => T0 + 10_000,
        fetch: () => Promise.reject(new TypeError('unused')),
        ...(store && { store }),
      },
    )
    return proxy
  }

  it('without a session, answers that there is none', async () => {
    expect(await setUp().stayActive()).toEqual({ authenticated: false, expiresAt: null })
  })

  it('has the activity saved for every worker before it answers, leaving no work behind', async () => {
    const store = await storeWith(stored(`refresh ${ORIGIN}/auth/refresh`))
    const kept: Array<Promise<unknown>> = []
    const status = await setUp(store).stayActive((promise) => void kept.push(promise))
    expect(status).toMatchObject({ authenticated: true, idleEndsAt: T0 + 310_000 })
    expect(kept).toEqual([])
  })
})

describe('a worker without oidc options', () => {
  const { proxy } = proxyOverFakes(
    { api: ['/api/'], refresh: { url: '/auth/refresh' } },
    { origin: ORIGIN, fetch: () => Promise.reject(new TypeError('unused')) },
  )

  it.each([
    ['start a sign-in', () => proxy.signIn(null)],
    ['complete a sign-in', () => proxy.completeSignIn(`${ORIGIN}/callback?code=c&state=s`)],
  ])('refuses to %s, saying the worker has no oidc options', async (action, call) => {
    await expect(call()).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message: expect.stringMatching(
        new RegExp(`^\\[sw-token-proxy\\] Failed to ${action}: the worker has no "oidc"`),
      ) as unknown,
    })
  })

  it('refuses dpop: true in a build without DPoP, naming the import', () => {
    expect(() =>
      proxyOverFakes(
        { api: ['/api/'], refresh: { url: '/auth/refresh' }, dpop: true },
        { origin: ORIGIN, fetch: () => Promise.reject(new TypeError('unused')) },
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }) as Error)
  })
})

describe('a sign-in through the proxy', () => {
  let signingKey: CryptoKey
  beforeAll(async () => {
    ;({ privateKey: signingKey } = await generateKeyPair('RS256'))
  })

  it('answers the page to return to, and starts the session', async () => {
    let nonce = ''
    const { proxy, broadcasts } = proxyOverFakes(
      { api: ['/api/'], oidc: openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }) },
      {
        origin: ORIGIN,
        now: () => Date.now(),
        fetch: async (input, init) => {
          const { pathname } = new URL(new Request(input, init).url)
          if (pathname === '/.well-known/openid-configuration') return discoveryDocument(ISSUER)
          return Response.json({
            access_token: 'at-1',
            token_type: 'Bearer',
            expires_in: 300,
            refresh_token: 'rt-1',
            id_token: await idToken(ISSUER, signingKey, nonce),
          })
        },
      },
    )
    const authorization = new URL(await proxy.signIn('/orders/42'))
    nonce = authorization.searchParams.get('nonce')!
    const state = authorization.searchParams.get('state')!

    expect(await proxy.completeSignIn(`${ORIGIN}/callback?code=the-code&state=${state}`)).toEqual({
      returnTo: '/orders/42',
    })
    expect((await proxy.status()).authenticated).toBe(true)
    expect(broadcasts).toContain('SESSION_STARTED')
  })
})

describe('a renewal asked for at the very end of the session clock', () => {
  it('is not made: the session ends for its reason, and the request gets its own answer', async () => {
    const clock = { now: T0 }
    const sent: string[] = []
    const broadcasts: Array<{ type: BroadcastType; payload: unknown }> = []
    const { handle } = proxyOverFakes(
      {
        api: ['/api/'],
        tokenEndpoints: ['/auth/login'],
        refresh: { url: '/auth/refresh' },
        session: { maxSeconds: 600 },
      },
      {
        origin: ORIGIN,
        now: () => clock.now,
        broadcast: (type, payload) => (broadcasts.push({ type, payload }), Promise.resolve()),
        fetch: (input, init) => {
          const request = new Request(input, init)
          const { pathname } = new URL(request.url)
          sent.push(pathname)
          if (pathname === '/auth/login')
            return Promise.resolve(Response.json({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600 }))
          if (pathname === '/auth/refresh')
            return Promise.resolve(Response.json({ access_token: 'at-2', refresh_token: 'rt-2', expires_in: 3600 }))
          // The API answers 401 at the very instant the ceiling is reached.
          clock.now = T0 + 600_000
          return Promise.resolve(new Response(null, { status: 401 }))
        },
      },
    )
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
    clock.now = T0 + 599_000

    expect((await handle(new Request(`${ORIGIN}/api/me`))).status).toBe(401)
    expect(sent).toEqual(['/auth/login', '/api/me'])
    expect(broadcasts.filter(({ type }) => type === 'SESSION_EXPIRED')).toEqual([
      { type: 'SESSION_EXPIRED', payload: { reason: 'session_ceiling' } },
    ])
  })
})
