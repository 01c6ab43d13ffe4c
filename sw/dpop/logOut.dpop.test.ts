import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { DpopSender } from './DpopSender.js'
import { proxyOverFakes } from '../testProxy.js'

/**
 * DPoP logout (Policy 14, docs/behaviour.md): the logout request is proved with the session's key only when the
 * session's token is DPoP-bound and the page did not send credentials of its own.
 */

const ORIGIN = 'https://app.example'

function setUp(tokenType: 'DPoP' | 'Bearer') {
  const sent: string[] = []
  const { handle } = proxyOverFakes(
    {
      api: ['/api/'],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
      logout: '/auth/logout',
      dpop: true,
    },
    {
      origin: ORIGIN,
      fetch: (input, init) => {
        const request = new Request(input, init)
        const { pathname } = new URL(request.url)
        const proof = request.headers.has('DPoP') ? 'proof' : 'no proof'
        sent.push(`${pathname} ${request.headers.get('Authorization')} ${proof}`)
        return Promise.resolve(
          pathname === '/auth/login'
            ? Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: tokenType })
            : new Response(null, { status: 204 }),
        )
      },
      now: () => 1_700_000_000_000,
      dpop: (environment) => new DpopSender(environment),
    },
  )
  const logIn = () => handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  const logout = (init: RequestInit = {}) => handle(new Request(`${ORIGIN}/auth/logout`, { method: 'POST', ...init }))
  return { logIn, logout, sent }
}

describe('DPoP logout', () => {
  it('proves the logout of a DPoP-bound session with its key', async () => {
    const { logIn, logout, sent } = setUp('DPoP')
    await logIn()

    await logout()

    expect(sent.at(-1)).toBe('/auth/logout DPoP at-1 proof')
  })

  it('sends a bearer token as a bearer token, without a proof, when the server did not bind it', async () => {
    const { logIn, logout, sent } = setUp('Bearer')
    await logIn()

    await logout()

    expect(sent.at(-1)).toBe('/auth/logout Bearer at-1 no proof')
  })

  it("sends the page's own credentials untouched, without a proof", async () => {
    const { logIn, logout, sent } = setUp('DPoP')
    await logIn()

    await logout({ headers: { Authorization: 'Basic cGFnZTpzZWNyZXQ=' } })

    expect(sent.at(-1)).toBe('/auth/logout Basic cGFnZTpzZWNyZXQ= no proof')
  })
})
