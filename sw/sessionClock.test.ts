import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { BroadcastType } from '../protocol/messages.js'
import type { TokenProxyOptions } from './glossary.js'
import { parseTokenResponse } from './parseTokenResponse.js'
import { clockFieldsFrom, deadlinesOf, firstEnd, resolveSessionLimits, signedInAtOf } from './sessionClock.js'
import { proxyOverFakes } from './testProxy.js'
import type { LiveSession } from './tokenStore.js'
import { liveSession, unsignedJwt } from './testSessionClock.js'

const ORIGIN = 'https://app.example'
const T0 = 1_700_000_000_000

/** A proxy over fakes whose clock the test moves, recording what the servers were sent and every broadcast. */
function setUp(options: Partial<TokenProxyOptions> = {}, login: Record<string, unknown> = {}) {
  const clock = { now: T0 }
  const hooks = { whileInFlight: () => undefined as unknown }
  const sent: string[] = []
  const broadcasts: Array<{ type: BroadcastType; payload: unknown }> = []
  let refreshAnswer: Record<string, unknown> = { access_token: 'at-2', refresh_token: 'rt-2', expires_in: 3600 }
  const { proxy, handle, store } = proxyOverFakes(
    {
      api: ['/api/'],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
      ...options,
    } as TokenProxyOptions,
    {
      origin: ORIGIN,
      now: () => clock.now,
      broadcast: (type, payload) => (broadcasts.push({ type, payload }), Promise.resolve()),
      fetch: (input, init) => Promise.resolve(answer(new Request(input, init))),
    },
  )
  function answer(request: Request): Response {
    const { pathname } = new URL(request.url)
    sent.push(`${pathname} ${request.headers.get('Authorization') ?? '-'}`)
    if (pathname === '/auth/login')
      return Response.json({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600, ...login })
    if (pathname === '/auth/refresh') return Response.json(refreshAnswer)
    // An answer that arrives later than it was asked for: the test moves the clock meanwhile.
    if (pathname === '/api/revoked') return (hooks.whileInFlight(), new Response(null, { status: 401 }))
    return request.headers.get('Authorization') === 'Bearer at-1' ||
      request.headers.get('Authorization') === 'Bearer at-2'
      ? Response.json({ ok: true })
      : new Response(null, { status: 401 })
  }
  const api = (path = '/api/me') => handle(new Request(`${ORIGIN}${path}`))
  const logIn = () => handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  const types = () => broadcasts.map(({ type }) => type)
  return {
    proxy,
    store,
    clock,
    sent,
    broadcasts,
    types,
    api,
    logIn,
    answerRefreshWith: (body: Record<string, unknown>) => (refreshAnswer = body),
    hooks,
  }
}

const seconds = (n: number) => n * 1000

describe("the session clock: the refresh token's own lifetime", () => {
  it('ends the session when refresh_expires_in runs out, once, with its reason, without a refresh', async () => {
    const { proxy, clock, api, logIn, sent, broadcasts, types } = setUp({}, { refresh_expires_in: 600 })
    await logIn()
    expect(await proxy.status()).toMatchObject({ authenticated: true, sessionEndsAt: T0 + seconds(600) })

    clock.now = T0 + seconds(600)
    const answer = await api()

    expect(answer.status).toBe(401) // sent without a token: the session is over
    expect(sent.filter((line) => line.startsWith('/auth/refresh'))).toEqual([])
    expect(sent.at(-1)).toBe('/api/me -')
    expect(broadcasts.filter(({ type }) => type === 'SESSION_EXPIRED')).toEqual([
      { type: 'SESSION_EXPIRED', payload: { reason: 'refresh_token_lifetime' } },
    ])
    await api()
    expect(types().filter((type) => type === 'SESSION_EXPIRED')).toHaveLength(1)
    expect(await proxy.status()).toEqual({ authenticated: false, expiresAt: null })
  })

  it("reads refresh_token_expires_in, and a JWT refresh token's exp − iat, on the worker's clock", async () => {
    const issuedLongAgo = 1_000 // the device clock says nothing about the issuer's: only exp − iat counts
    for (const [login, lifetime] of [
      [{ refresh_token_expires_in: 900 }, 900],
      [{ refresh_token: unsignedJwt({ iat: issuedLongAgo, exp: issuedLongAgo + 1800 }) }, 1800],
    ] as const) {
      const { proxy, logIn } = setUp({}, login)
      await logIn()
      expect((await proxy.status()).sessionEndsAt).toBe(T0 + seconds(lifetime))
    }
  })

  it('takes the new lifetime of a rotated refresh token, and forgets it for a rotated one of unknown lifetime', async () => {
    const { proxy, clock, logIn, api, answerRefreshWith } = setUp({}, { refresh_expires_in: 600, expires_in: 60 })
    await logIn()
    clock.now = T0 + seconds(100)
    answerRefreshWith({ access_token: 'at-2', refresh_token: 'rt-2', expires_in: 60, refresh_expires_in: 600 })
    await api()
    expect((await proxy.status()).sessionEndsAt).toBe(T0 + seconds(700))

    clock.now = T0 + seconds(200)
    answerRefreshWith({ access_token: 'at-2', refresh_token: 'rt-3', expires_in: 60 })
    await api()
    expect((await proxy.status()).sessionEndsAt).toBeUndefined()
  })

  it('keeps the lifetime when the refresh answer keeps the refresh token (no rotation)', async () => {
    const { proxy, clock, logIn, api, answerRefreshWith } = setUp({}, { refresh_expires_in: 600, expires_in: 60 })
    await logIn()
    clock.now = T0 + seconds(100)
    answerRefreshWith({ access_token: 'at-2', expires_in: 60 })
    await api()
    expect((await proxy.status()).sessionEndsAt).toBe(T0 + seconds(600))
  })

  it("reads Keycloak's refresh_expires_in: 0 (an offline token) as no lifetime of its own", () => {
    expect(
      parseTokenResponse({ access_token: 'a', refresh_token: 'r', refresh_expires_in: 0 }).refreshLifetimeSeconds,
    ).toBeUndefined()
  })

  it.each([
    [{ refresh_expires_in: -5 }, '"refresh_expires_in" is less than 1 second'],
    [{ refresh_expires_in: 1.5 }, '"refresh_expires_in" is not a whole number of seconds'],
    [{ refresh_token_expires_in: 10 ** 9 }, '"refresh_token_expires_in" is more than'],
    [{ refresh_expires_in: 'soon' }, '"refresh_expires_in" is not a number'],
  ])('refuses a bad refresh lifetime (%j) as an invalid token response, never echoing the token', (extra, why) => {
    const parse = () => parseTokenResponse({ access_token: 'at-secret', refresh_token: 'rt-secret', ...extra })
    expect(parse).toThrow(why)
    expect(parse).not.toThrow(/secret/)
  })

  it("ignores a JWT refresh token's claims that make no lifetime, instead of refusing the answer", () => {
    for (const claims of [
      { iat: 100, exp: 50 },
      { iat: 0, exp: 10 ** 9 },
      { iat: 1, exp: '2' },
    ])
      expect(
        parseTokenResponse({ access_token: 'a', refresh_token: unsignedJwt(claims) }).refreshLifetimeSeconds,
      ).toBeUndefined()
  })

  it('keeps the session and its tokens when a refresh answers a bad refresh lifetime', async () => {
    const { proxy, clock, logIn, api, answerRefreshWith, types } = setUp({}, { expires_in: 60 })
    await logIn()
    clock.now = T0 + seconds(100)
    answerRefreshWith({ access_token: 'at-2', refresh_token: 'rt-2', expires_in: 60, refresh_expires_in: -1 })
    const answer = await api()
    expect(answer.status).toBe(200) // the old token is still accepted by this API
    expect(types()).toContain('REFRESH_FAILED')
    expect(types()).not.toContain('SESSION_EXPIRED')
    expect((await proxy.status()).authenticated).toBe(true)
  })
})

describe('the session clock: the ceiling', () => {
  it("counts session.maxSeconds from the ID token's auth_time, moved onto the worker's clock", () => {
    // Signed in 100 s before the ID token was issued (issuer's clock); received at T0 (worker's).
    const idToken = unsignedJwt({ iat: 5_000, auth_time: 4_900 })
    const tokens = parseTokenResponse({ access_token: 'a', id_token: idToken })
    expect(signedInAtOf(tokens, T0)).toBe(T0 - seconds(100))
    // An auth_time after the token's own iat is nonsense: the login's time stands.
    expect(
      signedInAtOf(
        parseTokenResponse({ access_token: 'a', id_token: unsignedJwt({ iat: 5_000, auth_time: 6_000 }) }),
        T0,
      ),
    ).toBe(T0)
  })

  it("honours an ID token's session_expiry as a ceiling of the provider's own", () => {
    const tokens = parseTokenResponse({
      access_token: 'a',
      id_token: unsignedJwt({ iat: 5_000, session_expiry: 5_300 }),
    })
    expect(clockFieldsFrom(tokens, T0, {})).toEqual({ providerEndsAt: T0 + seconds(300) })
  })

  it('ends the session at the ceiling however active it is, and never refreshes past it', async () => {
    const { proxy, clock, logIn, api, sent, broadcasts } = setUp({ session: { maxSeconds: 3600 } }, { expires_in: 60 })
    await logIn()
    for (let t = 50; t < 3600; t += 50) {
      clock.now = T0 + seconds(t)
      expect((await api()).status).toBe(200)
    }
    const refreshes = sent.filter((line) => line.startsWith('/auth/refresh')).length
    clock.now = T0 + seconds(3600)
    await api()
    expect(sent.filter((line) => line.startsWith('/auth/refresh'))).toHaveLength(refreshes)
    expect(broadcasts.filter(({ type }) => type === 'SESSION_EXPIRED')).toEqual([
      { type: 'SESSION_EXPIRED', payload: { reason: 'session_ceiling' } },
    ])
    expect((await proxy.status()).authenticated).toBe(false)
  })

  it('gets a request whose 401 arrives after the ceiling its own answer: no refresh, no replay', async () => {
    const { clock, logIn, sent, broadcasts, api, hooks } = setUp({ session: { maxSeconds: 600 } })
    await logIn()
    // The request goes out with its token just before the end; the API answers 401 just after.
    clock.now = T0 + seconds(599)
    hooks.whileInFlight = () => (clock.now = T0 + seconds(601))
    const answer = await api('/api/revoked')
    expect(answer.status).toBe(401)
    expect(sent.filter((line) => line.startsWith('/auth/refresh'))).toEqual([])
    expect(sent.filter((line) => line.startsWith('/api/revoked'))).toEqual(['/api/revoked Bearer at-1'])
    expect(broadcasts.filter(({ type }) => type === 'SESSION_EXPIRED')).toEqual([
      { type: 'SESSION_EXPIRED', payload: { reason: 'session_ceiling' } },
    ])
  })
})

describe('the session clock: the idle timeout, for every tab', () => {
  it('ends a session nobody used for session.idleSeconds, and any API request moves the deadline', async () => {
    const { proxy, clock, logIn, api, broadcasts } = setUp({ session: { idleSeconds: 300 } })
    await logIn()
    expect((await proxy.status()).idleEndsAt).toBe(T0 + seconds(300))

    clock.now = T0 + seconds(200)
    await api()
    expect((await proxy.status()).idleEndsAt).toBe(T0 + seconds(500))

    clock.now = T0 + seconds(499)
    expect((await proxy.status()).authenticated).toBe(true)
    clock.now = T0 + seconds(500)
    expect(await proxy.status()).toEqual({ authenticated: false, expiresAt: null })
    expect(broadcasts.filter(({ type }) => type === 'SESSION_EXPIRED')).toEqual([
      { type: 'SESSION_EXPIRED', payload: { reason: 'idle' } },
    ])
  })

  it('warns every tab once per deadline, warnBeforeSeconds before it, and says so in status()', async () => {
    const { proxy, clock, logIn, broadcasts } = setUp({ session: { idleSeconds: 300, warnBeforeSeconds: 30 } })
    await logIn()
    expect((await proxy.status()).warnsAt).toBe(T0 + seconds(270))
    clock.now = T0 + seconds(269)
    expect((await proxy.status()).expiring).toBeUndefined()

    clock.now = T0 + seconds(275)
    // Three tabs' timers fire and each asks the worker to confirm.
    const statuses = await Promise.all([proxy.status(), proxy.status(), proxy.status()])
    const expiring = { endsAt: T0 + seconds(300), secondsLeft: 25, reason: 'idle' }
    for (const status of statuses) expect(status.expiring).toEqual(expiring)
    expect(broadcasts.filter(({ type }) => type === 'SESSION_EXPIRING')).toEqual([
      { type: 'SESSION_EXPIRING', payload: expiring },
    ])
  })

  it('withdraws the warning for every tab when one stays active, and never shortens the ceiling', async () => {
    const { proxy, clock, logIn, broadcasts, types } = setUp({
      session: { idleSeconds: 300, maxSeconds: 1000, warnBeforeSeconds: 30 },
    })
    await logIn()
    clock.now = T0 + seconds(280)
    await proxy.status()
    expect(types()).toContain('SESSION_EXPIRING')

    const status = await proxy.stayActive()
    expect(status).toMatchObject({ idleEndsAt: T0 + seconds(580), sessionEndsAt: T0 + seconds(1000) })
    expect(status.expiring).toBeUndefined()
    expect(broadcasts.filter(({ type }) => type === 'SESSION_EXTENDED')).toEqual([
      { type: 'SESSION_EXTENDED', payload: { sessionEndsAt: T0 + seconds(1000), idleEndsAt: T0 + seconds(580) } },
    ])

    // Active all along, until the ceiling comes first; staying active cannot move it.
    for (const t of [500, 750]) {
      clock.now = T0 + seconds(t)
      expect((await proxy.stayActive()).authenticated).toBe(true)
    }
    clock.now = T0 + seconds(975)
    expect((await proxy.stayActive()).expiring).toEqual({
      endsAt: T0 + seconds(1000),
      secondsLeft: 25,
      reason: 'session_ceiling',
    })
    clock.now = T0 + seconds(1000)
    expect((await proxy.stayActive()).authenticated).toBe(false)
    expect(broadcasts.at(-1)).toEqual({ type: 'SESSION_EXPIRED', payload: { reason: 'session_ceiling' } })
  })

  it('keeps the idle clock across a worker restart: a session idle while the browser was closed ends', async () => {
    const first = setUp({ session: { idleSeconds: 300 } })
    await first.logIn()
    first.clock.now = T0 + seconds(100)
    await first.proxy.stayActive()
    const databaseName = first.store
    // The next worker start reads the same record.
    const record = (await databaseName.reload()) as LiveSession
    expect(record.lastActiveAt).toBe(T0 + seconds(100))
    expect(deadlinesOf(record, resolveSessionLimits({ idleSeconds: 300 })).idleEndsAt).toBe(T0 + seconds(400))
    first.clock.now = T0 + seconds(10_000)
    expect((await first.proxy.status()).authenticated).toBe(false)
  })

  it('records no activity at all without an idle timeout', async () => {
    const { clock, logIn, api, store } = setUp()
    await logIn()
    clock.now = T0 + seconds(10)
    await api()
    expect((await store.reload()).lastActiveAt).toBeUndefined()
  })
})

describe('the session clock: deadline arithmetic', () => {
  const record = (tokens: Partial<LiveSession['tokens']>, lastActiveAt?: number) =>
    liveSession(T0, tokens, lastActiveAt)
  const limits = (session: Parameters<typeof resolveSessionLimits>[0]) => resolveSessionLimits(session)

  it('ends at the first deadline and names it', () => {
    const deadlines = deadlinesOf(
      record({ refreshExpiresAt: T0 + 500, signedInAt: T0 - 100, providerEndsAt: T0 + 800 }, T0 + 50),
      limits({ maxSeconds: 1, idleSeconds: 1 }),
    )
    expect(deadlines).toEqual({
      sessionEndsAt: T0 + 500,
      sessionEndReason: 'refresh_token_lifetime',
      idleEndsAt: T0 + 1050,
    })
    expect(firstEnd(deadlines)).toEqual({ endsAt: T0 + 500, reason: 'refresh_token_lifetime' })
    expect(firstEnd(deadlinesOf(record({ signedInAt: T0 - 900 }), limits({ maxSeconds: 1 })))).toEqual({
      endsAt: T0 + 100,
      reason: 'session_ceiling',
    })
    expect(firstEnd(deadlinesOf(record({}), limits(undefined)))).toBeUndefined()
  })

  it('counts idleness from the later of the last activity and the last renewal', () => {
    expect(deadlinesOf(record({}, T0 - 5000), limits({ idleSeconds: 10 })).idleEndsAt).toBe(T0 + 10_000)
  })

  it.each([
    [{ idleSeconds: 0 }, 'session.idleSeconds'],
    [{ maxSeconds: -1 }, 'session.maxSeconds'],
    [{ maxSeconds: 1.5 }, 'session.maxSeconds'],
    [{ idleSeconds: 10 ** 9 }, 'session.idleSeconds'],
    [{ warnBeforeSeconds: -1 }, 'session.warnBeforeSeconds'],
  ])('refuses %j with the usual ERR_INVALID_OPTIONS sentence', (session, name) => {
    expect(() => resolveSessionLimits(session)).toThrow(
      new RegExp(
        `^\\[sw-token-proxy\\] Failed to install the token proxy: "${name.replace('.', '\\.')}" must be a whole number of seconds`,
      ),
    )
  })
})
