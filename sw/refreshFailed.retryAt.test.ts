import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { BroadcastPayloads, BroadcastType } from '../protocol/messages.js'
import { proxyOverFakes } from './testProxy.js'

/**
 * What the tabs are told after a passing refresh failure (Policy 6): `REFRESH_FAILED` with the
 * time the next use of the refresh token may be tried, from the worker's backoff (1 s, then
 * doubling) or the server's `Retry-After`, an HTTP date being read against the response's own
 * `Date` only. And which renewals tell the tabs `SESSION_REFRESHED`: the session's own token's.
 */

const ORIGIN = 'https://app.example'
const BILLING = 'https://billing.example/'
const T0 = 1_700_000_000_000

type Broadcasts = Array<{ type: BroadcastType; payload: BroadcastPayloads[BroadcastType] }>

/** A session whose token is due at `T0 + 60 s`; the refresh endpoint answers `refresh()`. */
function setUp(refresh: () => Response) {
  const clock = { now: T0 }
  const broadcasts: Broadcasts = []
  const apiCalls: string[] = []
  const { handle } = proxyOverFakes(
    {
      api: ['/api/', { prefix: '/billing/', resource: BILLING }],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
    },
    {
      origin: ORIGIN,
      fetch: (input, init) => {
        const request = new Request(input, init)
        const { pathname } = new URL(request.url)
        if (pathname === '/auth/login')
          return Promise.resolve(
            Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 60 }),
          )
        if (pathname === '/auth/refresh') return Promise.resolve(refresh())
        apiCalls.push(`${pathname} ${request.headers.get('Authorization')}`)
        return Promise.resolve(Response.json({ ok: true }))
      },
      broadcast: (type, payload) => (broadcasts.push({ type, payload }), Promise.resolve()),
      now: () => clock.now,
    },
  )
  const logIn = () => handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  const failures = () => broadcasts.filter(({ type }) => type === 'REFRESH_FAILED').map(({ payload }) => payload)
  return { handle, logIn, clock, broadcasts, failures, apiCalls }
}

const unavailable =
  (headers: Record<string, string> = {}) =>
  () =>
    new Response(null, { status: 503, headers })

describe('the backoff after a passing failure', () => {
  it('is one second after the first failure and two after the second', async () => {
    const { handle, logIn, clock, failures } = setUp(unavailable())
    await logIn()
    const due = T0 + 60_000
    clock.now = due

    await handle(new Request(`${ORIGIN}/api/a`))
    clock.now = due + 1_000
    await handle(new Request(`${ORIGIN}/api/b`))

    expect(failures()).toEqual([
      { reason: 'http_503', retryAt: due + 1_000 },
      { reason: 'http_503', retryAt: due + 1_000 + 2_000 },
    ])
  })
})

describe('Retry-After', () => {
  const DATE = 'Wed, 15 Nov 2023 00:00:00 GMT'
  const sentAt = Date.parse(DATE)

  it('as an HTTP date is read against the response’s own Date header', async () => {
    const retryAfter = new Date(sentAt + 120_000).toUTCString()
    const { handle, logIn, clock, failures } = setUp(unavailable({ 'Retry-After': retryAfter, Date: DATE }))
    await logIn()
    clock.now = T0 + 60_000

    await handle(new Request(`${ORIGIN}/api/a`))

    expect(failures()).toEqual([{ reason: 'http_503', retryAt: T0 + 60_000 + 120_000 }])
  })

  it('in seconds is read with a Date header too', async () => {
    const { handle, logIn, clock, failures } = setUp(unavailable({ 'Retry-After': '30', Date: DATE }))
    await logIn()
    clock.now = T0 + 60_000

    await handle(new Request(`${ORIGIN}/api/a`))

    expect(failures()).toEqual([{ reason: 'http_503', retryAt: T0 + 60_000 + 30_000 }])
  })

  it('in seconds is read without a Date header', async () => {
    const { handle, logIn, clock, failures } = setUp(unavailable({ 'Retry-After': ' 30 ' }))
    await logIn()
    clock.now = T0 + 60_000

    await handle(new Request(`${ORIGIN}/api/a`))

    expect(failures()).toEqual([{ reason: 'http_503', retryAt: T0 + 60_000 + 30_000 }])
  })

  it.each(['Wed, 15 Nov 2023 00:02:00 GMT', '2023-11-15T00:02:00', '2023-11-15 00:02:00'])(
    'as a date (%s) without a Date header is not read: the worker’s own backoff applies',
    async (retryAfter) => {
      const { handle, logIn, clock, failures } = setUp(unavailable({ 'Retry-After': retryAfter }))
      await logIn()
      clock.now = T0 + 60_000

      await handle(new Request(`${ORIGIN}/api/a`))

      expect(failures()).toEqual([{ reason: 'http_503', retryAt: T0 + 60_000 + 1_000 }])
    },
  )
})

describe('SESSION_REFRESHED', () => {
  it('is not told for an API’s own token: the session’s expiry did not move', async () => {
    const { handle, logIn, broadcasts, apiCalls } = setUp(() =>
      Response.json({ access_token: 'billing-at', token_type: 'Bearer', expires_in: 3600 }),
    )
    await logIn()

    await handle(new Request(`${ORIGIN}/billing/invoices`))

    expect(apiCalls).toEqual(['/billing/invoices Bearer billing-at'])
    expect(broadcasts.map(({ type }) => type)).toEqual(['SESSION_STARTED'])
  })
})
