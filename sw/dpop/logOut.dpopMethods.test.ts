import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createTokenProxy } from '../createTokenProxy.js'
import { DpopSender } from './DpopSender.js'
import { noLocks } from '../SessionRefresher.js'
import { TokenStore } from '../tokenStore.js'

/**
 * With DPoP, the logout request is sent as a proved copy of the page's: a `GET` or `HEAD` logout
 * goes out without a body, and a `POST` keeps its body and the referrer the page gave it.
 */

const ORIGIN = 'https://app.example'

function setUp() {
  const logouts: Array<{
    method: string
    authorization: string | null
    proved: boolean
    body: string
    referrer: string
  }> = []
  const proxy = createTokenProxy(
    {
      api: ['/api/'],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
      logout: '/auth/logout',
      dpop: true,
    },
    {
      origin: ORIGIN,
      fetch: async (input, init) => {
        const request = new Request(input, init)
        if (new URL(request.url).pathname === '/auth/login')
          return Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'DPoP', expires_in: 3600 })
        logouts.push({
          method: request.method,
          authorization: request.headers.get('Authorization'),
          proved: request.headers.has('DPoP'),
          body: await request.text(),
          referrer: request.referrer,
        })
        return new Response(null, { status: 204 })
      },
      store: new TokenStore(`dpop-logout-methods-${crypto.randomUUID()}`),
      locks: noLocks,
      broadcast: () => Promise.resolve(),
      now: () => 1_700_000_000_000,
      dpop: (environment) => new DpopSender(environment),
      warn: () => undefined,
    },
  )
  const handle = (request: Request) => proxy.handle(request, proxy.route(request)!, () => undefined)
  const logIn = () => handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  return { handle, logIn, logouts }
}

describe('a DPoP logout request', () => {
  it.each(['GET', 'HEAD'])('as a %s goes out proved, with the ended session’s token and no body', async (method) => {
    const { handle, logIn, logouts } = setUp()
    await logIn()

    expect((await handle(new Request(`${ORIGIN}/auth/logout`, { method }))).status).toBe(204)

    expect(logouts).toEqual([
      { method, authorization: 'DPoP at-1', proved: true, body: '', referrer: expect.any(String) as unknown },
    ])
  })

  it('as a POST keeps its body and its referrer', async () => {
    const { handle, logIn, logouts } = setUp()
    await logIn()

    await handle(new Request(`${ORIGIN}/auth/logout`, { method: 'POST', body: 'bye', referrer: `${ORIGIN}/page` }))

    expect(logouts).toEqual([
      { method: 'POST', authorization: 'DPoP at-1', proved: true, body: 'bye', referrer: `${ORIGIN}/page` },
    ])
  })
})
