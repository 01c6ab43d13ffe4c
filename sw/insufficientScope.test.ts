import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { proxyOverFakes } from './testProxy.js'

// RFC 6750 §3.1: a 401 with `error="insufficient_scope"` says the token is valid but does not
// grant this call. A refresh mints a token with the same scopes, so the worker does not refresh
// and does not replay: the page gets the API's 401 (with its challenge) to act on.

const ORIGIN = 'https://app.example'

function setUp(challenge: string) {
  const sent: string[] = []
  const fakes = proxyOverFakes(
    { api: ['/api/'], tokenEndpoints: ['/auth/login'], refresh: { url: '/auth/refresh' } },
    {
      origin: ORIGIN,
      fetch: (input, init) => {
        const request = new Request(input, init)
        const { pathname } = new URL(request.url)
        sent.push(`${request.method} ${pathname} ${request.headers.get('Authorization')}`)
        if (pathname === '/auth/login') return Promise.resolve(tokens('at-1'))
        if (pathname === '/auth/refresh') return Promise.resolve(tokens('at-2'))
        return Promise.resolve(
          new Response('{"error":"insufficient_scope"}', { status: 401, headers: { 'WWW-Authenticate': challenge } }),
        )
      },
    },
  )
  return { ...fakes, sent }
}

const tokens = (access: string) =>
  Response.json({ access_token: access, refresh_token: `rt-${access}`, token_type: 'Bearer', expires_in: 3600 })

describe('a 401 insufficient_scope (plain mode, Bearer tokens)', () => {
  it.each([
    'Bearer error="insufficient_scope", scope="orders:write"',
    'Bearer realm="api", scope="orders:write", error="insufficient_scope"',
    'Bearer error=INSUFFICIENT_SCOPE',
    'Basic realm="legacy", Bearer error="insufficient_scope"',
  ])('does not refresh or replay for %s, and hands the page that 401 as it came', async (challenge) => {
    const { handle, sent, broadcasts } = setUp(challenge)
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

    const response = await handle(new Request(`${ORIGIN}/api/orders`, { method: 'POST', body: 'order 42' }))

    expect(response.status).toBe(401)
    expect(response.headers.get('WWW-Authenticate')).toBe(challenge)
    expect(await response.json()).toEqual({ error: 'insufficient_scope' })
    expect(sent.slice(1)).toEqual(['POST /api/orders Bearer at-1'])
    expect(broadcasts).toEqual(['SESSION_STARTED'])
  })

  it('does not refresh on later calls either: each gets its 401 with the same token', async () => {
    const { handle, sent } = setUp('Bearer error="insufficient_scope"')
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

    for (let call = 0; call < 3; call += 1) expect((await handle(new Request(`${ORIGIN}/api/admin`))).status).toBe(401)

    expect(sent.slice(1)).toEqual(Array<string>(3).fill('GET /api/admin Bearer at-1'))
  })
})
