import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { TokenProxyOptions } from './glossary.js'
import { TokenStore } from './tokenStore.js'
import { proxyOverFakes } from './testProxy.js'

/**
 * Logout, seen from the network: which token (if any) the logout request carries, and what every
 * tab is told, for the sessions a user can be in when they log out.
 */

const ORIGIN = 'https://app.example'

const OPTIONS: TokenProxyOptions = {
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh' },
  logout: '/auth/logout',
}

/** A proxy over a scripted network that records what went out, on `databaseName`. */
function proxyOn(databaseName: string, options: TokenProxyOptions = OPTIONS) {
  const sent: string[] = []
  const { proxy, handle, broadcasts } = proxyOverFakes(options, {
    origin: ORIGIN,
    fetch: (input, init) => {
      const request = new Request(input, init)
      sent.push(`${request.method} ${new URL(request.url).pathname} ${request.headers.get('Authorization')}`)
      if (request.url.endsWith('/auth/login'))
        return Promise.resolve(
          Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600 }),
        )
      return Promise.resolve(new Response(null, { status: 204 }))
    },
    store: new TokenStore(databaseName),
  })
  const logIn = () => handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  return { proxy, handle, logIn, sent, broadcasts }
}

const newDatabase = () => `logout-test-${crypto.randomUUID()}`
const logoutRequest = (init: RequestInit = {}) => new Request(`${ORIGIN}/auth/logout`, { method: 'POST', ...init })

describe('logout without a session', () => {
  it('forwards the request without a token and tells no tab that a session ended', async () => {
    const { handle, sent, broadcasts } = proxyOn(newDatabase())

    expect((await handle(logoutRequest())).status).toBe(204)

    expect(sent).toEqual(['POST /auth/logout null'])
    expect(broadcasts).toEqual([])
  })

  it('a second logout after the first sends no token and no second SESSION_ENDED', async () => {
    const { handle, logIn, sent, broadcasts } = proxyOn(newDatabase())
    await logIn()

    await handle(logoutRequest())
    await handle(logoutRequest())

    expect(sent.slice(1)).toEqual(['POST /auth/logout Bearer at-1', 'POST /auth/logout null'])
    expect(broadcasts).toEqual(['SESSION_STARTED', 'SESSION_ENDED'])
  })
})

describe('logout of a session another configuration issued (Policy 10)', () => {
  it('clears it and tells every tab, but sends its access token nowhere', async () => {
    const databaseName = newDatabase()
    await proxyOn(databaseName).logIn()
    const moved = proxyOn(databaseName, { ...OPTIONS, refresh: { url: 'https://new-auth.example/refresh' } })

    expect((await moved.handle(logoutRequest())).status).toBe(204)

    expect(moved.sent).toEqual(['POST /auth/logout null'])
    expect(moved.broadcasts).toEqual(['SESSION_ENDED'])
    expect(await moved.proxy.status()).toEqual({ authenticated: false, expiresAt: null })
  })
})

describe("a logout request's own credentials", () => {
  it('are sent as the page set them, not replaced by the session token', async () => {
    const { handle, logIn, sent, broadcasts } = proxyOn(newDatabase())
    await logIn()

    await handle(logoutRequest({ headers: { Authorization: 'Basic cGFnZTpzZWNyZXQ=' } }))

    expect(sent.at(-1)).toBe('POST /auth/logout Basic cGFnZTpzZWNyZXQ=')
    // The session is over all the same.
    expect(broadcasts).toEqual(['SESSION_STARTED', 'SESSION_ENDED'])
  })
})

describe('proxy.logout() without a logout endpoint', () => {
  it('ends the session and tells every tab, and sends nothing', async () => {
    const databaseName = newDatabase()
    const { proxy, logIn, sent, broadcasts } = proxyOn(databaseName, {
      api: ['/api/'],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
    })
    await logIn()

    await proxy.logout()

    expect(sent).toEqual(['POST /auth/login null'])
    expect(broadcasts).toEqual(['SESSION_STARTED', 'SESSION_ENDED'])
    expect((await new TokenStore(databaseName).reload()).tokens).toBeNull()
  })
})
