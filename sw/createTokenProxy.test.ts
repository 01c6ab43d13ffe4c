import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { BroadcastType } from '../protocol/messages.js'
import { createTokenProxy } from './createTokenProxy.js'
import { noLocks } from './SessionRefresher.js'
import { TokenStore } from './tokenStore.js'

const ORIGIN = 'https://app.example'

/** The proxy over fakes: a scripted network that records what it was sent, and a fresh store. */
function setUp(answer: (request: Request) => Response, databaseName = `proxy-test-${crypto.randomUUID()}`) {
  const sent: Array<{ method: string; url: string; authorization: string | null; body: string }> = []
  const broadcasts: BroadcastType[] = []
  const proxy = createTokenProxy(
    { api: ['/api/'], tokenEndpoints: ['/auth/login'], refresh: { url: '/auth/refresh' } },
    {
      origin: ORIGIN,
      fetch: async (input, init) => {
        const request = new Request(input, init)
        sent.push({ method: request.method, url: request.url, authorization: request.headers.get('Authorization'), body: await request.clone().text() })
        return answer(request)
      },
      store: new TokenStore(databaseName),
      locks: noLocks,
      broadcast: (type) => (broadcasts.push(type), Promise.resolve()),
      now: () => 1_000_000,
      warn: () => undefined,
    },
  )
  const handle = (request: Request) => {
    const role = proxy.roleOf(request, new URL(request.url))
    if (!role) throw new Error(`not routed: ${request.url}`)
    return proxy.handle(request, role, () => undefined)
  }
  return { proxy, handle, sent, broadcasts }
}

const tokens = (access: string, refresh: string) => Response.json({ access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: 3600, user: 'ada' })

describe('createTokenProxy', () => {
  it('routes only eligible requests: API prefix, cors/same-origin, no Authorization of their own', () => {
    const { proxy } = setUp(() => new Response())
    const role = (url: string, init?: RequestInit) => proxy.roleOf(new Request(`${ORIGIN}${url}`, init), new URL(`${ORIGIN}${url}`))

    expect(role('/api/x')).toBe('api')
    expect(role('/auth/login', { method: 'POST' })).toBe('token-endpoint')
    expect(role('/apix')).toBeUndefined()
    expect(role('/api/x', { mode: 'no-cors' })).toBeUndefined()
    expect(role('/api/x', { headers: { Authorization: 'Basic x' } })).toBeUndefined()
  })

  it('keeps login tokens, hands back the body without them, and adds the token to API calls', async () => {
    const { handle, sent, broadcasts } = setUp((request) => (request.url.endsWith('/auth/login') ? tokens('at-1', 'rt-1') : Response.json({ ok: true })))

    const login = await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
    await handle(new Request(`${ORIGIN}/api/me`))

    expect(await login.json()).toEqual({ token_type: 'Bearer', expires_in: 3600, user: 'ada' })
    expect(sent.map((request) => `${request.url} ${request.authorization}`)).toEqual([`${ORIGIN}/auth/login null`, `${ORIGIN}/api/me Bearer at-1`])
    expect(broadcasts).toEqual(['SESSION_STARTED'])
  })

  it('on a 401 refreshes once and replays the same method and body with the new token', async () => {
    let apiCalls = 0
    const { handle, sent } = setUp((request) => {
      if (request.url.endsWith('/auth/login')) return tokens('at-1', 'rt-1')
      if (request.url.endsWith('/auth/refresh')) return tokens('at-2', 'rt-2')
      return ++apiCalls === 1 ? new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }) : Response.json({ ok: true })
    })
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

    const response = await handle(new Request(`${ORIGIN}/api/orders`, { method: 'PUT', body: 'order 42' }))

    expect(response.status).toBe(200)
    expect(sent.slice(1).map(({ method, url, authorization, body }) => `${method} ${new URL(url).pathname} ${authorization} ${body}`)).toEqual([
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
        return ++logins === 1 ? tokens('at-alice', 'rt-alice') : Response.json({ access_token: 'at-bob', token_type: 'Bearer', expires_in: 3600 })
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
})
