import 'fake-indexeddb/auto'
import { describe, it, expect, vi } from 'vitest'
import type { BroadcastPayloads, BroadcastType } from '../protocol/messages.js'
import type { Broadcast } from './broadcast.js'
import { requestRefresh, type RefreshEndpoint } from './requestRefresh.js'
import type { SeenToken } from './apiTokens.js'
import { SessionRefresher, noLocks, type Locks, type Renewal as RefreshOutcome } from './SessionRefresher.js'
import { TokenStore, type SessionRecord, type SessionTokens } from './tokenStore.js'
import { createTestLocks } from './testLocks.js'
import type { TokenTarget } from './tokenTarget.js'

// ---------------------------------------------------------------------------------------------
// Test doubles
// ---------------------------------------------------------------------------------------------

interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

type Reply = Response | Error | (() => Response | Promise<Response>)

/**
 * A new, unshared copy of `template`, as every real fetch answers. (A `clone()` would tee the
 * body, and cancelling one branch of a tee waits for the other branch, which nobody reads.)
 */
async function fresh(template: Response): Promise<Response> {
  const body = template.body === null ? null : await template.clone().arrayBuffer()
  return new Response(body, { status: template.status, statusText: template.statusText, headers: template.headers })
}

/**
 * The refresh endpoint. Each call takes the next queued reply (or the default one); while `hold()`
 * is in effect, answers wait until the test releases them, so the test decides what happens while
 * a refresh is in flight.
 */
function createEndpoint(defaultReply: Reply) {
  const sentRefreshTokens: string[] = []
  const queue: Reply[] = []
  const callWaiters: Array<{ count: number; done: () => void }> = []
  let gate: Deferred<void> | undefined

  const fetchFn = vi.fn<typeof fetch>(async (_input, init) => {
    sentRefreshTokens.push(new URLSearchParams(init?.body as string).get('refresh_token') ?? '')
    for (const waiter of callWaiters.filter((w) => sentRefreshTokens.length >= w.count)) waiter.done()
    const reply = queue.shift() ?? defaultReply
    if (gate) await gate.promise
    if (reply instanceof Error) throw reply
    return typeof reply === 'function' ? reply() : fresh(reply)
  })

  return {
    fetch: fetchFn,
    sentRefreshTokens,
    /** Queues replies for the next calls, in order; later calls get the default reply. */
    replyNext(...replies: Reply[]) {
      queue.push(...replies)
    },
    /** Holds every answer until the returned function is called. */
    hold(): () => void {
      const held = deferred<void>()
      gate = held
      return () => {
        gate = undefined
        held.resolve()
      }
    },
    /** Resolves once the endpoint has been called `count` times in all. */
    called(count: number): Promise<void> {
      if (sentRefreshTokens.length >= count) return Promise.resolve()
      const waiter = deferred<void>()
      callWaiters.push({ count, done: () => waiter.resolve() })
      return waiter.promise
    },
  }
}

interface Broadcasted {
  type: BroadcastType
  payload: BroadcastPayloads[BroadcastType]
}

function createBroadcast(): { broadcast: Broadcast; sent: Broadcasted[] } {
  const sent: Broadcasted[] = []
  const broadcast: Broadcast = (type, payload) => {
    sent.push({ type, payload })
    return Promise.resolve()
  }
  return { broadcast, sent }
}

function tokenResponse(body: Record<string, unknown>, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
}

const ENDPOINT: RefreshEndpoint = {
  url: new URL('http://localhost/auth/refresh'),
  format: 'oauth2',
  clientId: 'spa',
  timeoutMs: 1000,
  responseLimitBytes: 65536,
}

const T0 = 1_700_000_000_000

let databaseCount = 0

/** One "worker": a refresher with its own broadcast record, over the given store, lock and endpoint. */
function createWorker(options: {
  store: TokenStore
  locks: Locks
  endpoint: ReturnType<typeof createEndpoint>
  clock: { now: number }
}) {
  const { broadcast, sent } = createBroadcast()
  const warn = vi.fn<(message: string) => void>()
  const refresher = new SessionRefresher({
    store: options.store,
    locks: options.locks,
    broadcast,
    now: () => options.clock.now,
    issuedBy: ISSUER,
    renew: (refreshToken) => requestRefresh(options.endpoint.fetch, ENDPOINT, refreshToken),
    warn,
  })
  return { refresher, broadcasts: sent, warn }
}

/** What this test's workers are configured to refresh with. */
const ISSUER = 'refresh http://localhost/auth/refresh client_id=spa'
/** The identity every refresh of the first login keeps. */
const LINEAGE = { loginId: 'login-A', issuedBy: ISSUER }

const LOGIN: SessionTokens = {
  ...LINEAGE,
  accessToken: 'at-1',
  refreshToken: 'rt-1',
  idToken: 'id-1',
  expiresAt: T0 + 3_600_000,
  receivedAt: T0,
}

/** A logged-in session in a fresh database, and one worker refreshing it. */
async function setup(
  defaultReply: Reply = tokenResponse({ access_token: 'at-2', token_type: 'Bearer', expires_in: 3600 }),
) {
  databaseCount += 1
  const databaseName = `session-refresher-test-${databaseCount}-${crypto.randomUUID()}`
  const store = new TokenStore(databaseName)
  const { generation } = await store.start(LOGIN)
  const clock = { now: T0 }
  const locks = createTestLocks()
  const endpoint = createEndpoint(defaultReply)
  const worker = createWorker({ store, locks, endpoint, clock })
  return { databaseName, store, generation, clock, locks, endpoint, ...worker }
}

async function storedRecord(databaseName: string): Promise<SessionRecord> {
  const reader = new TokenStore(databaseName)
  const record = await reader.reload()
  await reader.close()
  return record
}

/** What a request made under the first login saw, at `generation`. */
function seen(generation: number, loginId = LINEAGE.loginId): SeenToken {
  return { generation, loginId }
}

function times<T>(count: number, make: () => T): T[] {
  return Array.from({ length: count }, make)
}

// ---------------------------------------------------------------------------------------------
// Policy 4: one refresh, everywhere
// ---------------------------------------------------------------------------------------------

/**
 * Two workers without Web Locks (two stores on one database) refreshing the same generation at
 * once, with both requests held at the endpoint until both have arrived.
 */
async function raceWithoutLocks(options: {
  databaseName: string
  store: TokenStore
  generation: number
  clock: { now: number }
  endpoint: ReturnType<typeof createEndpoint>
}) {
  const { databaseName, store, generation, clock, endpoint } = options
  const a = createWorker({ store, locks: noLocks, endpoint, clock })
  const otherStore = new TokenStore(databaseName)
  const b = createWorker({ store: otherStore, locks: noLocks, endpoint, clock })
  const release = endpoint.hold()
  const pending = Promise.all([a.refresher.refresh(seen(generation)), b.refresher.refresh(seen(generation))])
  await endpoint.called(2)
  release()
  return { a, b, otherStore, pending }
}

describe('SessionRefresher: one refresh for every caller', () => {
  it('answers 50 concurrent callers with one request to the endpoint and one broadcast', async () => {
    const { refresher, endpoint, broadcasts, generation, clock, databaseName } = await setup(
      tokenResponse({ access_token: 'at-2', token_type: 'Bearer', expires_in: 600, refresh_token: 'rt-2' }),
    )
    clock.now = T0 + 5_000

    const outcomes = await Promise.all(times(50, () => refresher.refresh(seen(generation))))

    expect(endpoint.fetch).toHaveBeenCalledTimes(1)
    expect(endpoint.sentRefreshTokens).toEqual(['rt-1'])
    const renewed: SessionRecord & { tokens: SessionTokens } = {
      generation: generation + 1,
      tokens: {
        ...LINEAGE,
        accessToken: 'at-2',
        refreshToken: 'rt-2',
        idToken: 'id-1',
        expiresAt: T0 + 5_000 + 600_000,
        receivedAt: T0 + 5_000,
      },
    }
    for (const outcome of outcomes)
      expect(outcome).toEqual({ kind: 'renewed', record: renewed } satisfies RefreshOutcome)
    expect(broadcasts).toEqual([{ type: 'SESSION_REFRESHED', payload: { expiresAt: T0 + 605_000 } }])
    expect(await storedRecord(databaseName)).toEqual(renewed)
  })

  it('shares one in-flight refresh between concurrent callers even without Web Locks', async () => {
    const { store, endpoint, clock, generation } = await setup()
    const worker = createWorker({ store, locks: noLocks, endpoint, clock })

    const outcomes = await Promise.all(times(50, () => worker.refresher.refresh(seen(generation))))

    expect(endpoint.fetch).toHaveBeenCalledTimes(1)
    for (const outcome of outcomes) expect(outcome).toEqual(outcomes[0])
    expect(outcomes[0]?.kind).toBe('renewed')
    expect(worker.broadcasts.map((b) => b.type)).toEqual(['SESSION_REFRESHED'])
  })

  it('gives a late caller that saw the old generation the new token without refreshing again', async () => {
    const { refresher, endpoint, broadcasts, generation } = await setup()
    const first = await refresher.refresh(seen(generation))
    const late = await refresher.refresh(seen(generation))

    expect(endpoint.fetch).toHaveBeenCalledTimes(1)
    expect(late).toEqual(first)
    expect(late.kind === 'renewed' && late.record.tokens.accessToken).toBe('at-2')
    expect(broadcasts.filter((b) => b.type === 'SESSION_REFRESHED')).toHaveLength(1)
  })

  it('refreshes again when the caller saw the renewed generation', async () => {
    const { refresher, endpoint, generation } = await setup()
    endpoint.replyNext(
      tokenResponse({ access_token: 'at-2', refresh_token: 'rt-2', expires_in: 60 }),
      tokenResponse({ access_token: 'at-3', refresh_token: 'rt-3', expires_in: 60 }),
    )
    const second = await refresher.refresh(seen(generation))
    expect(second.kind).toBe('renewed')
    const third = await refresher.refresh(seen(second.kind === 'renewed' ? second.record.generation : -1))

    expect(endpoint.sentRefreshTokens).toEqual(['rt-1', 'rt-2'])
    expect(third).toMatchObject({
      kind: 'renewed',
      record: { generation: generation + 2, tokens: { accessToken: 'at-3', refreshToken: 'rt-3' } },
    })
  })

  it('keeps the old refresh token when the response has none (Policy 7)', async () => {
    const { refresher, generation, databaseName, endpoint } = await setup(
      tokenResponse({ access_token: 'at-2', token_type: 'Bearer', expires_in: 60 }),
    )
    await refresher.refresh(seen(generation))
    const stored = await storedRecord(databaseName)
    expect(stored.tokens?.accessToken).toBe('at-2')
    expect(stored.tokens?.refreshToken).toBe('rt-1')
    expect(stored.tokens?.idToken).toBe('id-1')

    // And that kept token is the one the next refresh sends.
    await refresher.refresh(seen(stored.generation))
    expect(endpoint.sentRefreshTokens).toEqual(['rt-1', 'rt-1'])
  })

  it('stores an unknown expiry when neither expires_in nor a JWT exp is given', async () => {
    const { refresher, generation, databaseName } = await setup(tokenResponse({ access_token: 'opaque-at-2' }))
    await refresher.refresh(seen(generation))
    expect((await storedRecord(databaseName)).tokens?.expiresAt).toBeNull()
  })

  it('makes two worker versions sharing one database and one lock refresh once', async () => {
    const { databaseName, store, generation, clock, locks, endpoint, refresher, broadcasts } = await setup(
      tokenResponse({ access_token: 'at-2', refresh_token: 'rt-2', expires_in: 600 }),
    )
    const otherStore = new TokenStore(databaseName)
    await otherStore.current()
    const other = createWorker({ store: otherStore, locks, endpoint, clock })

    const release = endpoint.hold()
    const fromOld = refresher.refresh(seen(generation))
    const fromNew = other.refresher.refresh(seen(generation))
    await endpoint.called(1)
    release()
    const [oldOutcome, newOutcome] = await Promise.all([fromOld, fromNew])

    expect(endpoint.fetch).toHaveBeenCalledTimes(1)
    expect(oldOutcome.kind).toBe('renewed')
    expect(newOutcome).toEqual(oldOutcome)
    expect(newOutcome.kind === 'renewed' && newOutcome.record.tokens.accessToken).toBe('at-2')
    expect([...broadcasts, ...other.broadcasts]).toEqual([
      { type: 'SESSION_REFRESHED', payload: { expiresAt: T0 + 600_000 } },
    ])
    expect(await otherStore.current()).toEqual(await store.reload())
    await otherStore.close()
  })

  it('without Web Locks still keeps one winner: the store compare-and-swap decides', async () => {
    const { databaseName, generation, clock, endpoint, store } = await setup()
    endpoint.replyNext(
      tokenResponse({ access_token: 'at-a', refresh_token: 'rt-a' }),
      tokenResponse({ access_token: 'at-b', refresh_token: 'rt-b' }),
    )
    const { a, b, otherStore, pending } = await raceWithoutLocks({ databaseName, store, generation, clock, endpoint })
    const [fromA, fromB] = await pending

    const stored = await storedRecord(databaseName)
    expect(stored.generation).toBe(generation + 1)
    expect(fromA).toEqual({ kind: 'renewed', record: stored })
    expect(fromB).toEqual({ kind: 'renewed', record: stored })
    expect([...a.broadcasts, ...b.broadcasts].filter((x) => x.type === 'SESSION_REFRESHED')).toHaveLength(1)
    await otherStore.close()
  })
})

// ---------------------------------------------------------------------------------------------
// Policy 6: terminal failures end the session once
// ---------------------------------------------------------------------------------------------

describe('SessionRefresher: a rejected refresh token ends the session', () => {
  it('clears the tokens and broadcasts SESSION_EXPIRED once for many concurrent callers', async () => {
    const { refresher, endpoint, broadcasts, generation, databaseName } = await setup(
      tokenResponse({ error: 'invalid_grant' }, 400),
    )

    const outcomes = await Promise.all(times(20, () => refresher.refresh(seen(generation))))

    expect(endpoint.fetch).toHaveBeenCalledTimes(1)
    for (const outcome of outcomes) expect(outcome).toEqual({ kind: 'ended', reason: 'invalid_grant' })
    expect(await storedRecord(databaseName)).toEqual({ generation: generation + 1, tokens: null })
    expect(broadcasts).toEqual([{ type: 'SESSION_EXPIRED', payload: { reason: 'invalid_grant' } }])
  })

  it('makes no further request and no further broadcast for later callers', async () => {
    const { refresher, endpoint, broadcasts, generation } = await setup(tokenResponse({ error: 'invalid_grant' }, 400))
    await refresher.refresh(seen(generation))

    const late = await Promise.all([refresher.refresh(seen(generation)), refresher.refresh(seen(generation + 1))])
    expect(late).toEqual([
      { kind: 'ended', reason: 'no_session' },
      { kind: 'ended', reason: 'no_session' },
    ])
    expect(endpoint.fetch).toHaveBeenCalledTimes(1)
    expect(broadcasts).toHaveLength(1)
  })

  it('ends with its own reason for other OAuth 400 errors', async () => {
    const { refresher, broadcasts, generation, databaseName } = await setup(
      tokenResponse({ error: 'invalid_client' }, 400),
    )
    expect(await refresher.refresh(seen(generation))).toEqual({ kind: 'ended', reason: 'invalid_client' })
    expect((await storedRecord(databaseName)).tokens).toBeNull()
    expect(broadcasts).toEqual([{ type: 'SESSION_EXPIRED', payload: { reason: 'invalid_client' } }])
  })

  it('broadcasts SESSION_EXPIRED once across two workers', async () => {
    const { databaseName, generation, clock, locks, endpoint, refresher, broadcasts } = await setup(
      new Response('Unauthorized', { status: 401 }),
    )
    const otherStore = new TokenStore(databaseName)
    const other = createWorker({ store: otherStore, locks, endpoint, clock })

    const outcomes = await Promise.all([refresher.refresh(seen(generation)), other.refresher.refresh(seen(generation))])

    expect(endpoint.fetch).toHaveBeenCalledTimes(1)
    expect(outcomes.map((o) => o.kind)).toEqual(['ended', 'ended'])
    expect([...broadcasts, ...other.broadcasts]).toEqual([
      { type: 'SESSION_EXPIRED', payload: { reason: 'refresh_rejected' } },
    ])
    await otherStore.close()
  })

  it('broadcasts SESSION_EXPIRED once even when two workers without Web Locks both hear the rejection', async () => {
    const { databaseName, store, generation, clock, endpoint } = await setup(
      tokenResponse({ error: 'invalid_grant' }, 400),
    )
    const { a, b, otherStore, pending } = await raceWithoutLocks({ databaseName, store, generation, clock, endpoint })

    expect(await pending).toEqual([
      { kind: 'ended', reason: 'invalid_grant' },
      { kind: 'ended', reason: 'invalid_grant' },
    ])
    expect(await storedRecord(databaseName)).toEqual({ generation: generation + 1, tokens: null })
    expect([...a.broadcasts, ...b.broadcasts]).toEqual([
      { type: 'SESSION_EXPIRED', payload: { reason: 'invalid_grant' } },
    ])
    await otherStore.close()
  })

  it('ends a session that has no refresh token without calling the endpoint', async () => {
    const { refresher, endpoint, broadcasts, store, databaseName } = await setup()
    const { generation } = await store.start({ ...LOGIN, refreshToken: undefined })

    const outcomes = await Promise.all(times(5, () => refresher.refresh(seen(generation))))
    expect(endpoint.fetch).not.toHaveBeenCalled()
    for (const outcome of outcomes) expect(outcome.kind).toBe('ended')
    expect((await storedRecord(databaseName)).tokens).toBeNull()
    expect(broadcasts.map((b) => b.type)).toEqual(['SESSION_EXPIRED'])
  })
})

// ---------------------------------------------------------------------------------------------
// Policy 6: transient failures keep the session and back off
// ---------------------------------------------------------------------------------------------

describe('SessionRefresher: a transient failure keeps the session', () => {
  it('leaves the stored record exactly as it was and broadcasts REFRESH_FAILED once', async () => {
    const { refresher, endpoint, broadcasts, generation, databaseName, clock } = await setup(
      new Response('oops', { status: 500 }),
    )
    const before = structuredClone(await storedRecord(databaseName))

    const outcomes = await Promise.all(times(10, () => refresher.refresh(seen(generation))))

    expect(endpoint.fetch).toHaveBeenCalledTimes(1)
    expect(await storedRecord(databaseName)).toStrictEqual(before)
    const retryAt = outcomes[0]?.kind === 'failed' ? outcomes[0].retryAt : Number.NaN
    expect(retryAt).toBeGreaterThan(clock.now)
    for (const outcome of outcomes) expect(outcome).toEqual({ kind: 'failed', reason: 'http_500', retryAt })
    expect(broadcasts).toEqual([{ type: 'REFRESH_FAILED', payload: { reason: 'http_500', retryAt } }])
  })

  it('makes no request and no broadcast during the backoff, then retries once it has passed', async () => {
    const { refresher, endpoint, broadcasts, generation, clock, databaseName } = await setup()
    endpoint.replyNext(new Response(null, { status: 503 }))
    const failed = await refresher.refresh(seen(generation))
    expect(failed.kind).toBe('failed')
    const retryAt = failed.kind === 'failed' ? failed.retryAt : Number.NaN

    clock.now = retryAt - 1
    const during = await Promise.all(times(5, () => refresher.refresh(seen(generation))))
    for (const outcome of during) expect(outcome).toEqual({ kind: 'failed', reason: 'backing_off', retryAt })
    expect(endpoint.fetch).toHaveBeenCalledTimes(1)
    expect(broadcasts).toHaveLength(1)

    clock.now = retryAt
    const after = await refresher.refresh(seen(generation))
    expect(endpoint.fetch).toHaveBeenCalledTimes(2)
    expect(after).toMatchObject({
      kind: 'renewed',
      record: { generation: generation + 1, tokens: { accessToken: 'at-2', refreshToken: 'rt-1' } },
    })
    expect((await storedRecord(databaseName)).tokens?.accessToken).toBe('at-2')
    expect(broadcasts.map((b) => b.type)).toEqual(['REFRESH_FAILED', 'SESSION_REFRESHED'])
  })

  it('backs off longer after each consecutive failure, up to a cap', async () => {
    const { refresher, endpoint, generation, clock } = await setup(new Response(null, { status: 502 }))
    const delays: number[] = []
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const outcome = await refresher.refresh(seen(generation))
      if (outcome.kind !== 'failed') throw new Error(`attempt ${attempt} was ${outcome.kind}`)
      delays.push(outcome.retryAt - clock.now)
      clock.now = outcome.retryAt
    }
    expect(endpoint.fetch).toHaveBeenCalledTimes(12)
    expect(delays[0]).toBeGreaterThan(0)
    expect(delays[1]).toBeGreaterThan(delays[0] ?? Infinity)
    expect(delays[2]).toBeGreaterThan(delays[1] ?? Infinity)
    expect(delays[11]).toBe(delays[10])
    expect(delays[11]).toBeLessThanOrEqual(60_000)
  })

  it('starts the backoff afresh after a successful refresh', async () => {
    const { refresher, endpoint, generation, clock } = await setup()
    endpoint.replyNext(new Response(null, { status: 500 }), new Response(null, { status: 500 }))

    const first = await refresher.refresh(seen(generation))
    if (first.kind !== 'failed') throw new Error(`first refresh was ${first.kind}`)
    const firstDelay = first.retryAt - clock.now
    clock.now = first.retryAt
    const second = await refresher.refresh(seen(generation))
    if (second.kind !== 'failed') throw new Error(`second refresh was ${second.kind}`)
    expect(second.retryAt - clock.now).toBeGreaterThan(firstDelay)
    clock.now = second.retryAt
    const renewed = await refresher.refresh(seen(generation))
    if (renewed.kind !== 'renewed') throw new Error(`third refresh was ${renewed.kind}`)

    endpoint.replyNext(new Response(null, { status: 500 }))
    const afterSuccess = await refresher.refresh(seen(renewed.record.generation))
    if (afterSuccess.kind !== 'failed') throw new Error(`fourth refresh was ${afterSuccess.kind}`)
    expect(afterSuccess.retryAt - clock.now).toBe(firstDelay)
    expect(endpoint.fetch).toHaveBeenCalledTimes(4)
  })

  it('honours a Retry-After longer than the backoff', async () => {
    const { refresher, endpoint, broadcasts, generation, clock } = await setup()
    endpoint.replyNext(tokenResponse({ error: 'slow_down' }, 429, { 'Retry-After': '120' }))

    const failed = await refresher.refresh(seen(generation))
    expect(failed).toEqual({ kind: 'failed', reason: 'rate_limited', retryAt: T0 + 120_000 })
    expect(broadcasts).toEqual([{ type: 'REFRESH_FAILED', payload: { reason: 'rate_limited', retryAt: T0 + 120_000 } }])

    clock.now = T0 + 119_999
    expect((await refresher.refresh(seen(generation))).kind).toBe('failed')
    expect(endpoint.fetch).toHaveBeenCalledTimes(1)

    clock.now = T0 + 120_000
    expect((await refresher.refresh(seen(generation))).kind).toBe('renewed')
    expect(endpoint.fetch).toHaveBeenCalledTimes(2)
  })

  it('keeps the session when the network is down (logout is never a side effect of being offline)', async () => {
    const { refresher, broadcasts, generation, databaseName } = await setup(new TypeError('Failed to fetch'))
    const before = structuredClone(await storedRecord(databaseName))
    const outcome = await refresher.refresh(seen(generation))
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'network_error' })
    expect(await storedRecord(databaseName)).toStrictEqual(before)
    expect(broadcasts.map((b) => b.type)).toEqual(['REFRESH_FAILED'])
  })

  it('keeps the session on a malformed 2xx and warns without the token', async () => {
    const { refresher, broadcasts, generation, databaseName, warn } = await setup(
      tokenResponse({ access_token: 'LEAKED-at\r\nX-Evil: 1', refresh_token: 'LEAKED-rt', token_type: 'Bearer' }),
    )
    const before = structuredClone(await storedRecord(databaseName))

    const outcome = await refresher.refresh(seen(generation))
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'malformed_response' })
    expect(await storedRecord(databaseName)).toStrictEqual(before)
    expect(broadcasts.map((b) => b.type)).toEqual(['REFRESH_FAILED'])
    expect(warn).toHaveBeenCalledTimes(1)
    const message = warn.mock.calls[0]?.[0] ?? ''
    expect(message.startsWith('[sw-token-proxy]')).toBe(true)
    expect(message).not.toContain('LEAKED')
    expect(JSON.stringify(broadcasts)).not.toContain('LEAKED')
  })

  it('lets a new login skip the backoff left by the previous login', async () => {
    const { refresher, endpoint, store, clock } = await setup()
    endpoint.replyNext(new Response(null, { status: 500 }))
    const firstLogin = await store.reload()
    expect((await refresher.refresh(seen(firstLogin.generation))).kind).toBe('failed')

    const { generation } = await store.start({
      ...LOGIN,
      loginId: 'login-B',
      accessToken: 'at-login-2',
      refreshToken: 'rt-login-2',
    })
    clock.now += 1
    expect((await refresher.refresh(seen(generation, 'login-B'))).kind).toBe('renewed')
    expect(endpoint.sentRefreshTokens).toEqual(['rt-1', 'rt-login-2'])
  })
})

// ---------------------------------------------------------------------------------------------
// A logout or login while a refresh is in flight
// ---------------------------------------------------------------------------------------------

describe('SessionRefresher: the store wins over an in-flight refresh', () => {
  it('does not resurrect a session that was logged out while the refresh was in flight', async () => {
    const { refresher, endpoint, broadcasts, store, generation, databaseName } = await setup(
      tokenResponse({ access_token: 'at-resurrected', refresh_token: 'rt-resurrected', expires_in: 600 }),
    )
    const release = endpoint.hold()
    const pending = refresher.refresh(seen(generation))
    await endpoint.called(1)
    expect(await store.end()).toMatchObject({ loginId: 'login-A' })
    release()

    expect(await pending).toEqual({ kind: 'ended', reason: 'logged_out' })
    expect(await storedRecord(databaseName)).toEqual({ generation: generation + 1, tokens: null })
    expect(await store.reload()).toEqual({ generation: generation + 1, tokens: null })
    expect(broadcasts.map((b) => b.type)).not.toContain('SESSION_REFRESHED')
  })

  it('does not overwrite a new login that landed while the refresh was in flight, nor hand it to the old login', async () => {
    const { refresher, endpoint, broadcasts, store, generation, databaseName } = await setup(
      tokenResponse({ access_token: 'at-old-session-refreshed', expires_in: 600 }),
    )
    const release = endpoint.hold()
    const pending = refresher.refresh(seen(generation))
    await endpoint.called(1)
    await store.end()
    const newLogin = { ...LOGIN, loginId: 'login-B', accessToken: 'at-new-login', refreshToken: 'rt-new-login' }
    await store.start(newLogin)
    release()

    // The old login's request gets no token at all, least of all the new user's.
    expect(await pending).toEqual({ kind: 'ended', reason: 'logged_out' })
    expect(await storedRecord(databaseName)).toEqual({ generation: generation + 2, tokens: newLogin })
    expect(broadcasts).toEqual([])
  })

  it('ends without a request when the session was already logged out', async () => {
    const { refresher, endpoint, broadcasts, store, generation } = await setup()
    await store.end()
    expect(await refresher.refresh(seen(generation))).toEqual({ kind: 'ended', reason: 'no_session' })
    expect(endpoint.fetch).not.toHaveBeenCalled()
    expect(broadcasts).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------
// Policy 10: a session belongs to one login, and to what issued it
// ---------------------------------------------------------------------------------------------

describe("SessionRefresher: a new login never inherits the previous login's refresh", () => {
  it("refreshes the new login at once while the old login's refresh is still held at the server", async () => {
    const { refresher, endpoint, store, generation } = await setup(
      tokenResponse({ access_token: 'at-next', refresh_token: 'rt-next', expires_in: 600 }),
    )
    const release = endpoint.hold()
    const oldRefresh = refresher.refresh(seen(generation))
    await endpoint.called(1)
    const { generation: newGeneration } = await store.start({
      ...LOGIN,
      loginId: 'login-B',
      accessToken: 'at-B',
      refreshToken: 'rt-B',
    })

    const newRefresh = refresher.refresh(seen(newGeneration, 'login-B'))
    // The new login's refresh reaches the server without waiting for the old one's answer.
    await endpoint.called(2)
    expect(endpoint.sentRefreshTokens).toEqual(['rt-1', 'rt-B'])
    release()

    expect(await oldRefresh).toEqual({ kind: 'ended', reason: 'logged_out' })
    expect(await newRefresh).toMatchObject({
      kind: 'renewed',
      record: { tokens: { loginId: 'login-B', accessToken: 'at-next' } },
    })
  })

  it("keeps the old login's failure to itself: no REFRESH_FAILED for the new login's tabs, no backoff for its requests", async () => {
    const { refresher, endpoint, store, generation, broadcasts } = await setup()
    endpoint.replyNext(tokenResponse({ error: 'temporarily_unavailable' }, 503, { 'Retry-After': '600' }))
    const release = endpoint.hold()
    const oldRefresh = refresher.refresh(seen(generation))
    await endpoint.called(1)
    const { generation: newGeneration } = await store.start({
      ...LOGIN,
      loginId: 'login-B',
      accessToken: 'at-B',
      refreshToken: 'rt-B',
    })
    release()

    expect(await oldRefresh).toMatchObject({ kind: 'failed', reason: 'http_503' })
    expect(broadcasts).toEqual([])
    expect(await refresher.refresh(seen(newGeneration, 'login-B'))).toMatchObject({ kind: 'renewed' })
    expect(endpoint.sentRefreshTokens).toEqual(['rt-1', 'rt-B'])
  })

  it('never refreshes the new login on behalf of a request made under the old one', async () => {
    const { refresher, endpoint, store, generation } = await setup()
    await store.start({ ...LOGIN, loginId: 'login-B', accessToken: 'at-B', refreshToken: 'rt-B' })

    expect(await refresher.refresh(seen(generation))).toEqual({ kind: 'ended', reason: 'logged_out' })
    expect(endpoint.fetch).not.toHaveBeenCalled()
  })
})

describe('SessionRefresher: a session is refreshed only where it was issued', () => {
  it('ends a session another endpoint issued, once, without sending its refresh token anywhere', async () => {
    const { refresher, endpoint, store, broadcasts, databaseName } = await setup()
    const { generation } = await store.start({
      ...LOGIN,
      issuedBy: 'refresh https://old-auth.example/refresh client_id=spa',
    })

    const outcomes = await Promise.all(times(5, () => refresher.refresh(seen(generation))))

    for (const outcome of outcomes) expect(outcome).toEqual({ kind: 'ended', reason: 'configuration_changed' })
    expect(endpoint.fetch).not.toHaveBeenCalled()
    expect((await storedRecord(databaseName)).tokens).toBeNull()
    expect(broadcasts).toEqual([{ type: 'SESSION_EXPIRED', payload: { reason: 'configuration_changed' } }])
  })

  it('treats a record from before sessions were bound (no issuedBy) as issued elsewhere', async () => {
    const { refresher, store, broadcasts } = await setup()
    const { issuedBy: _dropped, ...unbound } = LOGIN
    await store.start(unbound as SessionTokens)

    expect(await refresher.usable(await store.reload())).toBeUndefined()
    expect(await refresher.usable(await store.reload())).toBeUndefined()
    expect(broadcasts).toEqual([{ type: 'SESSION_EXPIRED', payload: { reason: 'configuration_changed' } }])
  })

  it('answers its own session as usable and leaves it alone', async () => {
    const { refresher, store, broadcasts } = await setup()
    expect(await refresher.usable(await store.reload())).toMatchObject({ tokens: { loginId: 'login-A' } })
    expect(broadcasts).toEqual([])
  })
})

describe('SessionRefresher: a token refused right after its renewal', () => {
  it('is remembered for its own login, token and API only', async () => {
    const { refresher } = await setup()
    const refused = { loginId: 'login-A', accessToken: 'at-1' }
    const orders = { key: 'https://orders.example/' } as TokenTarget
    expect(refresher.wasRefusedAfterRenewal(refused)).toBe(false)

    refresher.noteRefusedAfterRenewal(refused)

    expect(refresher.wasRefusedAfterRenewal(refused)).toBe(true)
    expect(refresher.wasRefusedAfterRenewal({ ...refused, accessToken: 'at-2' })).toBe(false)
    expect(refresher.wasRefusedAfterRenewal({ ...refused, loginId: 'login-B' })).toBe(false)
    expect(refresher.wasRefusedAfterRenewal(refused, orders)).toBe(false)
    refresher.noteRefusedAfterRenewal({ ...refused, accessToken: 'orders-1' }, orders)
    expect(refresher.wasRefusedAfterRenewal({ ...refused, accessToken: 'orders-1' }, orders)).toBe(true)
    expect(refresher.wasRefusedAfterRenewal(refused)).toBe(true)
  })
})
