import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { BroadcastPayloads, BroadcastType } from '../protocol/messages.js'
import type { TokenProxyOptions } from './glossary.js'
import { noLocks, type Locks } from './SessionRefresher.js'
import { createTestLocks } from './testLocks.js'
import { TokenStore } from './tokenStore.js'
import { proxyOverFakes } from './testProxy.js'

/**
 * Refresh decisions seen from the network and the tabs, through `createTokenProxy` over fakes:
 * when a token is renewed before a request, what a request carries when the renewal fails or the
 * session ends, and when a 401 costs a refresh (Policies 4, 6, 7 and 11).
 */

const ORIGIN = 'https://app.example'
const BILLING = 'https://billing.example/'
const T0 = 1_700_000_000_000

const OPTIONS: TokenProxyOptions = {
  api: ['/api/', { prefix: '/billing/', resource: BILLING }],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh' },
}

type Answer = (request: Request, body: string) => Response | Promise<Response>

/** One worker over a scripted network, a store on `databaseName` and a clock the test moves. */
function worker(answer: Answer, databaseName: string, clock = { now: T0 }, locks: Locks = noLocks) {
  const sent: string[] = []
  const refreshBodies: string[] = []
  const broadcasts: Array<{ type: BroadcastType; payload: BroadcastPayloads[BroadcastType] }> = []
  const fakes = proxyOverFakes(OPTIONS, {
    origin: ORIGIN,
    fetch: async (input, init) => {
      const request = new Request(input, init)
      const body = await request.clone().text()
      const { pathname } = new URL(request.url)
      sent.push(`${request.method} ${pathname} ${request.headers.get('Authorization')}`)
      if (pathname === '/auth/refresh') refreshBodies.push(body)
      return answer(request, body)
    },
    store: new TokenStore(databaseName),
    locks,
    broadcast: (type, payload) => (broadcasts.push({ type, payload }), Promise.resolve()),
    now: () => clock.now,
  })
  const { proxy } = fakes
  const handle = (path: string) => fakes.handle(new Request(`${ORIGIN}${path}`))
  const logIn = async () => {
    const request = new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' })
    await proxy.handle(request, { role: 'token-endpoint' }, () => undefined)
  }
  /** What went out to the APIs (not to the auth server), as `METHOD /path Authorization`. */
  const apiCalls = () => sent.filter((line) => !line.includes(' /auth/'))
  const broadcastTypes = () => broadcasts.map(({ type }) => type)
  return { proxy, handle, logIn, sent, refreshBodies, broadcasts, broadcastTypes, apiCalls }
}

const newDatabase = () => `refresh-proxy-test-${crypto.randomUUID()}`

const tokens = (fields: Record<string, unknown>) => Response.json({ token_type: 'Bearer', ...fields })
const unauthorized = () =>
  new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
const ok = () => Response.json({ ok: true })

/** An unsigned JWT: the worker decodes claims for display, it never verifies them. */
const jwt = (claims: Record<string, unknown>) =>
  `${btoa(JSON.stringify({ alg: 'none' }))}.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  return { promise: new Promise<T>((settle) => (resolve = settle)), resolve }
}

describe('a session without a refresh token', () => {
  const answer: Answer = (request) => {
    if (request.url.endsWith('/auth/login')) return tokens({ access_token: 'at-1', expires_in: 60 })
    return request.headers.get('Authorization') === 'Bearer at-1' && request.url.endsWith('/api/me')
      ? ok()
      : unauthorized()
  }

  it('keeps sending its token when it is about to expire, until the API says no', async () => {
    const clock = { now: T0 }
    const { handle, logIn, sent, broadcastTypes } = worker(answer, newDatabase(), clock)
    await logIn()
    clock.now = T0 + 59_000

    expect((await handle('/api/me')).status).toBe(200)

    expect(sent).toEqual(['POST /auth/login null', 'GET /api/me Bearer at-1'])
    expect(broadcastTypes()).toEqual(['SESSION_STARTED'])
  })

  it('ends with the reason no_refresh_token when the API refuses it', async () => {
    const { proxy, handle, logIn, broadcasts } = worker(answer, newDatabase())
    await logIn()

    expect((await handle('/api/other')).status).toBe(401)

    expect(broadcasts.at(-1)).toEqual({ type: 'SESSION_EXPIRED', payload: { reason: 'no_refresh_token' } })
    expect(await proxy.status()).toEqual({ authenticated: false, expiresAt: null })
  })

  it('sends requests for an API with its own token without one, and asks nobody to mint one', async () => {
    const { proxy, handle, logIn, sent } = worker(answer, newDatabase())
    await logIn()

    expect((await handle('/billing/invoices')).status).toBe(401)

    expect(sent).toEqual(['POST /auth/login null', 'GET /billing/invoices null'])
    // The session itself goes on: that API never judged its token.
    expect(await proxy.status()).toMatchObject({ authenticated: true })
  })
})

describe('a token renewed before the request because it is about to expire', () => {
  const setUp = (refresh: () => Response) => {
    const clock = { now: T0 }
    const proxy = worker(
      (request) => {
        if (request.url.endsWith('/auth/login'))
          return tokens({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 60 })
        if (request.url.endsWith('/auth/refresh')) return refresh()
        return ok()
      },
      newDatabase(),
      clock,
    )
    return { ...proxy, clock }
  }

  it('goes out without the dead token when the server ends the session', async () => {
    const { handle, logIn, clock, apiCalls, broadcasts, proxy } = setUp(() =>
      Response.json({ error: 'invalid_grant' }, { status: 400 }),
    )
    await logIn()
    clock.now = T0 + 59_000

    await handle('/api/me')

    expect(apiCalls()).toEqual(['GET /api/me null'])
    expect(broadcasts.at(-1)).toEqual({ type: 'SESSION_EXPIRED', payload: { reason: 'invalid_grant' } })
    expect(await proxy.status()).toEqual({ authenticated: false, expiresAt: null })
  })

  it('goes out with the token it has when the refresh fails for now, and the session is kept', async () => {
    const { handle, logIn, clock, apiCalls, broadcastTypes, proxy } = setUp(() => new Response('down', { status: 503 }))
    await logIn()
    clock.now = T0 + 59_000

    await handle('/api/me')

    expect(apiCalls()).toEqual(['GET /api/me Bearer at-1'])
    expect(broadcastTypes()).toEqual(['SESSION_STARTED', 'REFRESH_FAILED'])
    expect(await proxy.status()).toMatchObject({ authenticated: true })
  })
})

describe('an API with its own token (Policy 11)', () => {
  const loginAnswer = (fields: Record<string, unknown> = {}) =>
    tokens({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600, ...fields })

  it('is sent without a token when minting one fails for now, and the next request waits out the backoff', async () => {
    const clock = { now: T0 }
    const { handle, logIn, apiCalls, refreshBodies, broadcastTypes, proxy } = worker(
      (request) => {
        if (request.url.endsWith('/auth/login')) return loginAnswer()
        if (request.url.endsWith('/auth/refresh')) return new Response('down', { status: 503 })
        return unauthorized()
      },
      newDatabase(),
      clock,
    )
    await logIn()

    expect((await handle('/billing/invoices')).status).toBe(401)
    clock.now += 500
    await handle('/billing/invoices')

    expect(apiCalls()).toEqual(['GET /billing/invoices null', 'GET /billing/invoices null'])
    expect(refreshBodies).toHaveLength(1)
    expect(broadcastTypes()).toEqual(['SESSION_STARTED', 'REFRESH_FAILED'])
    expect(await proxy.status()).toMatchObject({ authenticated: true })
  })

  it('ends the session when the server refuses the refresh token it was minted from', async () => {
    const { handle, logIn, apiCalls, broadcasts, proxy } = worker((request) => {
      if (request.url.endsWith('/auth/login')) return loginAnswer()
      if (request.url.endsWith('/auth/refresh')) return Response.json({ error: 'invalid_grant' }, { status: 400 })
      return ok()
    }, newDatabase())
    await logIn()

    await handle('/billing/invoices')

    expect(apiCalls()).toEqual(['GET /billing/invoices null'])
    expect(broadcasts.at(-1)).toEqual({ type: 'SESSION_EXPIRED', payload: { reason: 'invalid_grant' } })
    expect(await proxy.status()).toEqual({ authenticated: false, expiresAt: null })
  })

  it("keeps the session's ID token when the answer minting it has none", async () => {
    const idToken = jwt({ sub: 'ada', name: 'Ada', iat: 1, exp: 3601 })
    const { handle, logIn, apiCalls, proxy } = worker((request, body) => {
      if (request.url.endsWith('/auth/login')) return loginAnswer({ id_token: idToken })
      if (body.includes('resource=')) return tokens({ access_token: 'bt-1', expires_in: 3600 })
      return ok()
    }, newDatabase())
    await logIn()
    expect((await proxy.status()).claims).toEqual({ sub: 'ada', name: 'Ada', iat: 1, exp: 3601 })

    await handle('/billing/invoices')

    expect(apiCalls()).toEqual(['GET /billing/invoices Bearer bt-1'])
    expect(await proxy.status()).toEqual({
      authenticated: true,
      expiresAt: T0 + 3_600_000,
      claims: { sub: 'ada', name: 'Ada', iat: 1, exp: 3601 },
    })
  })

  it("does not make a 401 for the session's token replay that token after another API's renewal", async () => {
    const held = deferred<Response>()
    let refreshes = 0
    const { handle, logIn, apiCalls } = worker((request, body) => {
      if (request.url.endsWith('/auth/login')) return loginAnswer()
      if (request.url.endsWith('/auth/refresh')) {
        if (body.includes('resource=')) return tokens({ access_token: 'bt-1', refresh_token: 'rt-2', expires_in: 3600 })
        refreshes += 1
        return tokens({ access_token: 'at-2', refresh_token: 'rt-3', expires_in: 3600 })
      }
      if (request.url.endsWith('/api/slow')) {
        return request.headers.get('Authorization') === 'Bearer at-1' ? held.promise : ok()
      }
      return ok()
    }, newDatabase())
    await logIn()

    // Out with at-1; while it is out, the billing API's token is minted (the session moves on).
    const slow = handle('/api/slow')
    await handle('/billing/invoices')
    held.resolve(unauthorized())

    expect((await slow).status).toBe(200)
    expect(refreshes).toBe(1)
    expect(apiCalls()).toEqual([
      'GET /api/slow Bearer at-1',
      'GET /billing/invoices Bearer bt-1',
      'GET /api/slow Bearer at-2',
    ])
  })
})

describe("an API's own token about to expire (Policy 11)", () => {
  const setUp = (renewal: () => Response) => {
    const clock = { now: T0 }
    let mints = 0
    const proxy = worker(
      (request) => {
        if (request.url.endsWith('/auth/login'))
          return tokens({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600 })
        if (request.url.endsWith('/auth/refresh'))
          return ++mints === 1 ? tokens({ access_token: 'bt-1', expires_in: 60 }) : renewal()
        return ok()
      },
      newDatabase(),
      clock,
    )
    return { ...proxy, clock }
  }

  it('goes out without it when the server ends the session while renewing it', async () => {
    const { handle, logIn, clock, apiCalls } = setUp(() => Response.json({ error: 'invalid_grant' }, { status: 400 }))
    await logIn()
    await handle('/billing/invoices')
    clock.now += 59_000

    await handle('/billing/invoices')

    expect(apiCalls()).toEqual(['GET /billing/invoices Bearer bt-1', 'GET /billing/invoices null'])
  })

  it('goes out with it when renewing it fails for now', async () => {
    const { handle, logIn, clock, apiCalls } = setUp(() => new Response('down', { status: 503 }))
    await logIn()
    await handle('/billing/invoices')
    clock.now += 59_000

    await handle('/billing/invoices')

    expect(apiCalls()).toEqual(['GET /billing/invoices Bearer bt-1', 'GET /billing/invoices Bearer bt-1'])
  })
})

describe('two workers sharing one session (Policy 4)', () => {
  it('a worker whose token the other already renewed replays with the renewed token, without a second refresh', async () => {
    const databaseName = newDatabase()
    const locks = createTestLocks()
    let refreshes = 0
    const answer: Answer = (request) => {
      if (request.url.endsWith('/auth/login'))
        return tokens({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600 })
      if (request.url.endsWith('/auth/refresh')) {
        refreshes += 1
        return tokens({ access_token: `at-${refreshes + 1}`, refresh_token: `rt-${refreshes + 1}`, expires_in: 3600 })
      }
      return request.headers.get('Authorization') === 'Bearer at-1' ? unauthorized() : ok()
    }
    const first = worker(answer, databaseName, { now: T0 }, locks)
    const second = worker(answer, databaseName, { now: T0 }, locks)
    await first.logIn()
    // The second worker has read the session (at-1) before the first renews it.
    expect(await second.proxy.status()).toMatchObject({ authenticated: true })

    expect((await first.handle('/api/a')).status).toBe(200)
    expect((await second.handle('/api/b')).status).toBe(200)

    expect(refreshes).toBe(1)
    expect(second.apiCalls().filter((line) => line.includes('/api/b'))).toEqual([
      'GET /api/b Bearer at-1',
      'GET /api/b Bearer at-2',
    ])
  })
})
