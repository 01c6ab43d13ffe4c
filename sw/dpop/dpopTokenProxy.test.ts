import 'fake-indexeddb/auto'
import { EmbeddedJWK, base64url, calculateJwkThumbprint, decodeJwt, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import type { BroadcastType } from '../../protocol/messages.js'
import { createTokenProxy } from '../createTokenProxy.js'
import { DpopSender } from './DpopSender.js'
import { logOutAndSettle } from '../testLogOut.js'
import { parseTokenResponse } from '../parseTokenResponse.js'
import type { ApiEntry } from '../glossary.js'
import { resolveOptions } from '../resolveOptions.js'
import { noLocks } from '../SessionRefresher.js'
import { TokenStore } from '../tokenStore.js'

const ORIGIN = 'https://app.example'
const NOW = 1_700_000_000_000

interface Sent {
  method: string
  path: string
  authorization: string | null
  /** The verified proof's claims and key thumbprint; `null` when the request had no proof. */
  proof: { payload: Record<string, unknown>; jkt: string } | null
}

/** The proxy with `dpop: true` over fakes: a scripted network that verifies and records each proof. */
function setUp(answer: (request: Request, sent: Sent[]) => Response | Promise<Response>, api: ApiEntry[] = ['/api/']) {
  const sent: Sent[] = []
  const broadcasts: BroadcastType[] = []
  const store = new TokenStore(`dpop-proxy-${crypto.randomUUID()}`)
  const proxy = createTokenProxy(
    {
      api,
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh', clientId: 'spa' },
      logout: '/auth/logout',
      dpop: true,
    },
    {
      origin: ORIGIN,
      fetch: async (input, init) => {
        const request = new Request(input, init)
        const header = request.headers.get('DPoP')
        let proof: Sent['proof'] = null
        if (header !== null) {
          const verified = await jwtVerify(header, EmbeddedJWK, {
            typ: 'dpop+jwt',
            algorithms: ['ES256'],
            currentDate: new Date(NOW),
          })
          proof = { payload: verified.payload, jkt: await calculateJwkThumbprint(verified.protectedHeader.jwk!) }
        }
        sent.push({
          method: request.method,
          path: new URL(request.url).origin === ORIGIN ? new URL(request.url).pathname : request.url,
          authorization: request.headers.get('Authorization'),
          proof,
        })
        return answer(request, sent)
      },
      store,
      locks: noLocks,
      broadcast: (type) => (broadcasts.push(type), Promise.resolve()),
      now: () => NOW,
      dpop: (environment) => new DpopSender(environment),
      warn: () => undefined,
    },
  )
  const handle = (request: Request) => {
    const route = proxy.route(request)
    if (!route) throw new Error(`not routed: ${request.url}`)
    return proxy.handle(request, route, () => undefined)
  }
  return { proxy, handle, sent, broadcasts, store }
}

const dpopTokens = (access: string, refresh: string, headers: Record<string, string> = {}) =>
  Response.json({ access_token: access, refresh_token: refresh, token_type: 'DPoP', expires_in: 3600 }, { headers })
const login = () =>
  new Request(`${ORIGIN}/auth/login`, {
    method: 'POST',
    body: '{"username":"ada"}',
    headers: { 'Content-Type': 'application/json' },
  })
const apiNonceChallenge = (nonce: string) =>
  new Response(null, {
    status: 401,
    headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce", algs="ES256"', 'DPoP-Nonce': nonce },
  })
const tokenNonceChallenge = (nonce: string) =>
  Response.json({ error: 'use_dpop_nonce' }, { status: 400, headers: { 'DPoP-Nonce': nonce } })
/** `ath` computed here, independently of the worker's code. */
const ath = async (token: string) =>
  base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))))

describe('createTokenProxy with dpop: true', () => {
  it('proves the login, sends DPoP-bound tokens with a proof and ath, and refreshes with the same key', async () => {
    let refreshed = false
    const { handle, proxy, sent, store } = setUp((request) => {
      if (request.url.endsWith('/auth/login')) return dpopTokens('at-1', 'rt-1')
      if (request.url.endsWith('/auth/refresh')) return ((refreshed = true), dpopTokens('at-2', 'rt-2'))
      return request.headers.get('Authorization') === 'DPoP at-1' && !refreshed
        ? new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"' } })
        : Response.json({ ok: true })
    })

    const answer = await handle(login())
    expect(await answer.json()).toEqual({ token_type: 'DPoP', expires_in: 3600 })
    expect((await store.current()).tokens).toMatchObject({ tokenType: 'DPoP' })
    expect((await handle(new Request(`${ORIGIN}/api/orders?page=2#x`))).status).toBe(200)

    expect(sent.map(({ method, path, authorization }) => `${method} ${path} ${authorization}`)).toEqual([
      'POST /auth/login null',
      'GET /api/orders DPoP at-1',
      'POST /auth/refresh null',
      'GET /api/orders DPoP at-2',
    ])
    const [loginProof, firstApi, refresh, replay] = sent.map((request) => request.proof!)
    expect(loginProof!.payload).toEqual({
      jti: expect.any(String) as string,
      htm: 'POST',
      htu: `${ORIGIN}/auth/login`,
      iat: NOW / 1000,
    })
    expect(firstApi!.payload).toMatchObject({ htm: 'GET', htu: `${ORIGIN}/api/orders`, ath: await ath('at-1') })
    expect(refresh!.payload).not.toHaveProperty('ath')
    expect(replay!.payload).toMatchObject({ ath: await ath('at-2') })
    // One key for the whole session: the login's.
    expect(new Set(sent.map((request) => request.proof!.jkt)).size).toBe(1)
    expect(new Set(sent.map((request) => request.proof!.payload['jti'])).size).toBe(4)

    await proxy.logout()
    expect((await store.reload()).tokens).toBeNull()
  })

  it('answers an API nonce challenge with exactly one retry carrying the nonce; no refresh, no replay', async () => {
    let challenges = 0
    const { handle, sent, broadcasts } = setUp((request) => {
      if (request.url.endsWith('/auth/login')) return dpopTokens('at-1', 'rt-1')
      // Challenges every request whose proof does not carry the nonce.
      const proof = decodeJwt(request.headers.get('DPoP')!) as { nonce?: string }
      if (proof.nonce !== 'n-1') return ((challenges += 1), apiNonceChallenge('n-1'))
      return Response.json({ ok: true })
    })
    await handle(login())

    expect((await handle(new Request(`${ORIGIN}/api/x`, { method: 'POST', body: 'same body' }))).status).toBe(200)
    const api = sent.filter((request) => request.path === '/api/x')
    expect(api).toHaveLength(2)
    expect(api.map((request) => request.proof!.payload['nonce'])).toEqual([undefined, 'n-1'])
    expect(api[0]!.proof!.payload['jti']).not.toBe(api[1]!.proof!.payload['jti'])
    expect(sent.filter((request) => request.path === '/auth/refresh')).toHaveLength(0)
    expect(broadcasts).toEqual(['SESSION_STARTED'])
    expect(challenges).toBe(1)
  })

  it('never retries a nonce challenge more than once', async () => {
    const { handle, sent } = setUp((request) =>
      request.url.endsWith('/auth/login') ? dpopTokens('at-1', 'rt-1') : apiNonceChallenge(crypto.randomUUID()),
    )
    await handle(login())
    const response = await handle(new Request(`${ORIGIN}/api/x`))
    expect(response.status).toBe(401)
    expect(sent.filter((request) => request.path === '/api/x')).toHaveLength(2)
    expect(sent.filter((request) => request.path === '/auth/refresh')).toHaveLength(0)
  })

  it('does not answer a nonce challenge from a page the API redirected to: the request goes out once', async () => {
    const { handle, sent } = setUp((request) => {
      if (request.url.endsWith('/auth/login')) return dpopTokens('at-1', 'rt-1')
      if (request.url.startsWith(`${ORIGIN}/api/`)) {
        const landed = apiNonceChallenge('n-from-elsewhere')
        Object.defineProperties(landed, {
          redirected: { value: true },
          url: { value: 'https://elsewhere.example/sign-in' },
        })
        return landed
      }
      return Response.json({ ok: true })
    })
    await handle(login())

    const response = await handle(new Request(`${ORIGIN}/api/transfer`, { method: 'POST', body: '{"amount":1}' }))
    expect(response.status).toBe(401)
    expect(sent.filter((request) => request.path === '/api/transfer')).toHaveLength(1)
    expect(sent.filter((request) => request.path === '/auth/refresh')).toHaveLength(0)

    // The other server's nonce is not put in proofs for the API's origin.
    await handle(new Request(`${ORIGIN}/api/next`))
    const next = sent.find((request) => request.path === '/api/next')!
    expect(next.proof!.payload['nonce']).toBeUndefined()
  })

  it('answers token-endpoint nonce challenges once, for login and refresh, and takes nonces from successes', async () => {
    let refreshCalls = 0
    const { handle, proxy, sent, broadcasts } = setUp((request) => {
      const nonce = (decodeJwt(request.headers.get('DPoP')!) as { nonce?: string }).nonce
      if (request.url.endsWith('/auth/login'))
        return nonce === 'login-nonce'
          ? dpopTokens('at-1', 'rt-1', { 'DPoP-Nonce': 'from-success' })
          : tokenNonceChallenge('login-nonce')
      if (request.url.endsWith('/auth/refresh')) {
        refreshCalls += 1
        return nonce === 'refresh-nonce' ? dpopTokens('at-2', 'rt-2') : tokenNonceChallenge('refresh-nonce')
      }
      return request.headers.get('Authorization') === 'DPoP at-1'
        ? new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"' } })
        : Response.json({ ok: true })
    })

    expect((await handle(login())).status).toBe(200)
    expect(sent.map((request) => request.proof!.payload['nonce'])).toEqual([undefined, 'login-nonce'])
    expect((await handle(new Request(`${ORIGIN}/api/x`))).status).toBe(200)

    // The API request used the nonce the login's success gave; the refresh was challenged once.
    expect(sent.slice(2).map((request) => `${request.path} ${String(request.proof!.payload['nonce'])}`)).toEqual([
      '/api/x from-success',
      '/auth/refresh from-success',
      '/auth/refresh refresh-nonce',
      '/api/x refresh-nonce',
    ])
    expect(refreshCalls).toBe(2)
    expect(broadcasts).toEqual(['SESSION_STARTED', 'SESSION_REFRESHED'])
    expect((await proxy.status()).authenticated).toBe(true)
  })

  it('treats a refresh still challenged after its retry as a passing failure that keeps the session', async () => {
    const { handle, proxy, broadcasts, store } = setUp((request) => {
      if (request.url.endsWith('/auth/login')) return dpopTokens('at-1', 'rt-1')
      if (request.url.endsWith('/auth/refresh')) return tokenNonceChallenge(crypto.randomUUID())
      return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"' } })
    })
    await handle(login())
    const before = (await store.current()).generation
    expect((await handle(new Request(`${ORIGIN}/api/x`))).status).toBe(401)
    expect(broadcasts).toEqual(['SESSION_STARTED', 'REFRESH_FAILED'])
    expect((await store.reload()).generation).toBe(before)
    expect((await proxy.status()).authenticated).toBe(true)
  })
})

describe('DPoP logout', () => {
  it('answers a nonce challenge to the logout request with one retry carrying the nonce and the same body', async () => {
    const bodies: string[] = []
    const { handle, sent, store } = setUp(async (request) => {
      if (request.url.endsWith('/auth/login')) return dpopTokens('at-1', 'rt-1')
      bodies.push(await request.text())
      const proof = decodeJwt(request.headers.get('DPoP')!) as { nonce?: string }
      return proof.nonce === 'logout-nonce' ? new Response(null, { status: 204 }) : apiNonceChallenge('logout-nonce')
    })
    await handle(login())

    const logout = new Request(`${ORIGIN}/auth/logout`, { method: 'POST', body: 'everywhere=1' })
    expect((await handle(logout)).status).toBe(204)
    const logouts = sent.filter((request) => request.path === '/auth/logout')
    expect(logouts.map((request) => `${request.authorization} ${String(request.proof!.payload['nonce'])}`)).toEqual([
      'DPoP at-1 undefined',
      'DPoP at-1 logout-nonce',
    ])
    expect(logouts[1]!.proof!.payload).toMatchObject({
      htm: 'POST',
      htu: `${ORIGIN}/auth/logout`,
      ath: await ath('at-1'),
    })
    expect(bodies).toEqual(['everywhere=1', 'everywhere=1'])
    expect((await store.reload()).tokens).toBeNull()
  })

  it('retries a logout challenged again only once, and the session stays ended', async () => {
    const { handle, proxy, sent, store } = setUp((request) =>
      request.url.endsWith('/auth/login') ? dpopTokens('at-1', 'rt-1') : apiNonceChallenge(crypto.randomUUID()),
    )
    await handle(login())
    await logOutAndSettle(proxy)
    expect(sent.filter((request) => request.path === '/auth/logout')).toHaveLength(2)
    expect((await store.reload()).tokens).toBeNull()
  })
})

describe('DPoP with per-API tokens', () => {
  const ORDERS = 'https://orders.example'

  it("mints each API's token with a proof by the session's key and sends it as DPoP, with its own ath", async () => {
    const forms: Array<string | null> = []
    const { handle, sent } = setUp(
      async (request) => {
        if (request.url.endsWith('/auth/login')) return dpopTokens('at-1', 'rt-1')
        if (request.url.endsWith('/auth/refresh')) {
          const form = new URLSearchParams(await request.text())
          forms.push(form.get('resource'))
          return dpopTokens('orders-at-1', 'rt-2', { 'DPoP-Nonce': 'orders-auth' })
        }
        return Response.json({ ok: true })
      },
      ['/api/', { prefix: `${ORDERS}/`, resource: `${ORDERS}/` }],
    )
    await handle(login())
    expect((await handle(new Request(`${ORDERS}/list?x=1`))).status).toBe(200)
    expect((await handle(new Request(`${ORIGIN}/api/me`))).status).toBe(200)

    expect(sent.map(({ method, path, authorization }) => `${method} ${path} ${authorization}`)).toEqual([
      'POST /auth/login null',
      'POST /auth/refresh null',
      `GET ${ORDERS}/list?x=1 DPoP orders-at-1`,
      'GET /api/me DPoP at-1',
    ])
    expect(forms).toEqual([`${ORDERS}/`])
    const [, refresh, orders, own] = sent.map((request) => request.proof!)
    expect(refresh!.payload).toMatchObject({ htm: 'POST', htu: `${ORIGIN}/auth/refresh` })
    expect(refresh!.payload).not.toHaveProperty('ath')
    expect(orders!.payload).toMatchObject({ htm: 'GET', htu: `${ORDERS}/list`, ath: await ath('orders-at-1') })
    expect(own!.payload).toMatchObject({ ath: await ath('at-1') })
    // One key for the session and every API's token.
    expect(new Set(sent.map((request) => request.proof!.jkt)).size).toBe(1)
  })

  it("answers an API's nonce challenge with one retry and renews its token once on invalid_token", async () => {
    let ordersToken = 0
    const { handle, sent } = setUp(
      (request) => {
        if (request.url.endsWith('/auth/login')) return dpopTokens('at-1', 'rt-1')
        if (request.url.endsWith('/auth/refresh'))
          return dpopTokens(`orders-at-${++ordersToken}`, `rt-${ordersToken + 1}`)
        const nonce = (decodeJwt(request.headers.get('DPoP')!) as { nonce?: string }).nonce
        if (nonce !== 'orders-nonce') return apiNonceChallenge('orders-nonce')
        return request.headers.get('Authorization') === 'DPoP orders-at-1'
          ? new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"' } })
          : Response.json({ ok: true })
      },
      ['/api/', { prefix: `${ORDERS}/`, resource: `${ORDERS}/` }],
    )
    await handle(login())
    expect((await handle(new Request(`${ORDERS}/list`))).status).toBe(200)
    expect(
      sent
        .slice(1)
        .map((request) => `${request.path} ${request.authorization} ${String(request.proof!.payload['nonce'])}`),
    ).toEqual([
      '/auth/refresh null undefined',
      `${ORDERS}/list DPoP orders-at-1 undefined`,
      `${ORDERS}/list DPoP orders-at-1 orders-nonce`,
      '/auth/refresh null undefined',
      `${ORDERS}/list DPoP orders-at-2 orders-nonce`,
    ])
  })
})

describe('DPoP options and token types', () => {
  it('accepts token_type DPoP only when asked to', () => {
    const body = { access_token: 'at', token_type: 'DPoP', expires_in: 60 }
    expect(parseTokenResponse(body, { acceptDpop: true }).tokenType).toBe('DPoP')
    expect(parseTokenResponse({ ...body, token_type: 'bearer' }, { acceptDpop: true }).tokenType).toBeUndefined()
    expect(() => parseTokenResponse(body)).toThrow(/"token_type" is not "Bearer" \(a "DPoP" token needs dpop: true/)
  })

  it('is off by default', () => {
    expect(resolveOptions({ api: ['/api/'], refresh: { url: '/r' } }, ORIGIN).dpop).toBe(false)
  })
})
