import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createTokenProxy } from '../createTokenProxy.js'
import { DpopSender } from './DpopSender.js'
import { noLocks } from '../SessionRefresher.js'
import { TokenStore } from '../tokenStore.js'

/**
 * A DPoP nonce challenge to a request whose body was sent as it came (past `replayBodyLimitBytes`)
 * cannot be answered by sending it again: the page gets the challenge, and the API saw one send.
 */

const ORIGIN = 'https://app.example'

describe('a DPoP nonce challenge to an unbuffered body', () => {
  it('reaches the page as it came; the request is not sent twice', async () => {
    const apiSends: string[] = []
    const proxy = createTokenProxy(
      {
        api: ['/api/'],
        tokenEndpoints: ['/auth/login'],
        refresh: { url: '/auth/refresh' },
        replayBodyLimitBytes: 0,
        dpop: true,
      },
      {
        origin: ORIGIN,
        fetch: async (input, init) => {
          const request = new Request(input, init)
          const { pathname } = new URL(request.url)
          if (pathname === '/auth/login')
            return Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'DPoP', expires_in: 3600 })
          apiSends.push(`${request.method} ${pathname} ${await request.text()}`)
          return new Response(null, {
            status: 401,
            headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'n-1' },
          })
        },
        store: new TokenStore(`dpop-unbuffered-${crypto.randomUUID()}`),
        locks: noLocks,
        broadcast: () => Promise.resolve(),
        now: () => 1_700_000_000_000,
        dpop: (environment) => new DpopSender(environment),
        warn: () => undefined,
      },
    )
    const handle = (request: Request) => proxy.handle(request, proxy.route(request)!, () => undefined)
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

    const response = await handle(new Request(`${ORIGIN}/api/upload`, { method: 'POST', body: 'page body' }))

    expect(response.status).toBe(401)
    expect(response.headers.get('DPoP-Nonce')).toBe('n-1')
    expect(apiSends).toEqual(['POST /api/upload page body'])
  })
})
