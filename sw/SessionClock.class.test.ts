import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { SessionOptions } from './glossary.js'
import { SessionClock, resolveSessionLimits } from './sessionClock.js'
import { NO_SESSION, TokenStore, type LiveSession, type SessionTokens } from './tokenStore.js'

// The SessionClock over a real store and a clock the test moves: what every tab hears, what the
// store keeps of the idle clock, and when a session is ended, at the edges of each rule.

const T0 = 1_700_000_000_000
const seconds = (n: number) => n * 1000

const tokens = (loginId: string): SessionTokens => ({
  loginId,
  issuedBy: 'refresh https://app.example/auth/refresh',
  accessToken: `at-${loginId}`,
  refreshToken: `rt-${loginId}`,
  idToken: undefined,
  expiresAt: null,
  receivedAt: T0,
})

function setUp(session: SessionOptions) {
  const name = `session-clock-${crypto.randomUUID()}`
  const store = new TokenStore(name)
  /** Another worker on the same database: sees only what was saved. */
  const elsewhere = new TokenStore(name)
  const clock = { now: T0 }
  const heard: Array<{ type: string; payload: unknown }> = []
  const ended: Array<{ loginId: string; reason: string }> = []
  const kept: Array<Promise<unknown>> = []
  const waitUntil = (promise: Promise<unknown>) => void kept.push(promise)
  const sessionClock = new SessionClock({
    store,
    now: () => clock.now,
    limits: resolveSessionLimits(session),
    broadcast: (type, payload) => (heard.push({ type, payload }), Promise.resolve()),
    end: (record, reason, given) => {
      ended.push({ loginId: record.tokens.loginId, reason })
      given(Promise.resolve())
      return Promise.resolve()
    },
  })
  const logIn = async (loginId = 'login-A') => (await store.start(tokens(loginId))) as LiveSession
  const current = async () => (await store.current()) as LiveSession
  const saved = async () => (await elsewhere.reload()).lastActiveAt
  const types = () => heard.map(({ type }) => type)
  return { sessionClock, store, clock, heard, ended, kept, waitUntil, logIn, current, saved, types }
}

describe('SessionClock.check and checkActive', () => {
  it('answer false for no session, ending nothing and telling nobody', async () => {
    const { sessionClock, heard, ended, waitUntil } = setUp({ idleSeconds: 300 })
    expect(await sessionClock.check(NO_SESSION)).toBe(false)
    expect(await sessionClock.checkActive(NO_SESSION, waitUntil)).toBe(false)
    expect(heard).toEqual([])
    expect(ended).toEqual([])
  })

  it('answer true within the deadlines, and false from the end on, which is ended for its reason', async () => {
    const { sessionClock, clock, ended, logIn, kept, waitUntil } = setUp({ idleSeconds: 300 })
    const record = await logIn()
    clock.now = T0 + seconds(299)
    expect(await sessionClock.check(record)).toBe(true)
    expect(await sessionClock.checkActive(record, waitUntil)).toBe(true)

    clock.now = T0 + seconds(1000)
    kept.length = 0
    expect(await sessionClock.checkActive(record, waitUntil)).toBe(false)
    expect(await sessionClock.check(record, waitUntil)).toBe(false)
    expect(ended).toEqual([
      { loginId: 'login-A', reason: 'idle' },
      { loginId: 'login-A', reason: 'idle' },
    ])
    // What outlives the end (a revocation) was handed to the event that found it.
    expect(kept).toHaveLength(2)
  })
})

describe('SessionClock: saving the idle clock', () => {
  it("saves an API request's activity at most every 5 seconds, behind the request; the worker knows it at once", async () => {
    const { sessionClock, clock, logIn, current, saved, kept, waitUntil } = setUp({ idleSeconds: 300 })
    const record = await logIn()

    clock.now = T0 + seconds(1)
    await sessionClock.checkActive(record, waitUntil)
    expect(kept).toHaveLength(1)
    await Promise.all(kept)
    expect(await saved()).toBe(T0 + seconds(1))

    clock.now = T0 + seconds(1) + 4_999
    await sessionClock.checkActive(await current(), waitUntil)
    expect(kept).toHaveLength(1)
    expect((await current()).lastActiveAt).toBe(T0 + seconds(1) + 4_999)
    expect(await saved()).toBe(T0 + seconds(1))

    clock.now = T0 + seconds(6)
    await sessionClock.checkActive(await current(), waitUntil)
    expect(kept).toHaveLength(2)
    await Promise.all(kept)
    expect(await saved()).toBe(T0 + seconds(6))
  })

  it("saves a page's activity (saveNow) at once, before answering", async () => {
    const { sessionClock, clock, logIn, saved, kept, waitUntil } = setUp({ idleSeconds: 300 })
    const record = await logIn()
    clock.now = T0 + seconds(1)
    await sessionClock.checkActive(record, waitUntil, { saveNow: true })
    expect(kept).toEqual([])
    expect(await saved()).toBe(T0 + seconds(1))

    clock.now = T0 + seconds(2)
    await sessionClock.checkActive(record, waitUntil, { saveNow: true })
    expect(await saved()).toBe(T0 + seconds(2))
  })

  it('saves the first activity of a new login at once, however recent the last save', async () => {
    const { sessionClock, clock, logIn, saved, kept, waitUntil } = setUp({ idleSeconds: 300 })
    clock.now = T0 + seconds(1)
    await sessionClock.checkActive(await logIn('login-A'), waitUntil)
    const next = await logIn('login-B')
    clock.now = T0 + seconds(2)
    await sessionClock.checkActive(next, waitUntil)
    expect(kept).toHaveLength(2)
    await Promise.all(kept)
    expect(await saved()).toBe(T0 + seconds(2))
  })

  it('counts the activity it saw in the warning it decides: a request inside the warning withdraws nothing it did not say', async () => {
    const { sessionClock, clock, logIn, types, waitUntil } = setUp({ idleSeconds: 300, warnBeforeSeconds: 30 })
    const record = await logIn()
    clock.now = T0 + seconds(280)
    await sessionClock.checkActive(record, waitUntil)
    expect(types()).toEqual([])
  })
})

describe('SessionClock: the warning', () => {
  it('is told from exactly warnBeforeSeconds before the end, and status() says so from then', async () => {
    const { sessionClock, clock, logIn, heard } = setUp({ idleSeconds: 300, warnBeforeSeconds: 30 })
    const record = await logIn()
    clock.now = T0 + seconds(270) - 1
    await sessionClock.check(record)
    expect(sessionClock.statusOf(record)).not.toHaveProperty('expiring')
    expect(heard).toEqual([])

    clock.now = T0 + seconds(270)
    await sessionClock.check(record)
    const expiring = { endsAt: T0 + seconds(300), secondsLeft: 30, reason: 'idle' }
    expect(heard).toEqual([{ type: 'SESSION_EXPIRING', payload: expiring }])
    expect(sessionClock.statusOf(record)).toStrictEqual({
      idleEndsAt: T0 + seconds(300),
      warnsAt: T0 + seconds(270),
      expiring,
    })
  })

  it('is told again when another deadline comes first inside it', async () => {
    const { sessionClock, clock, logIn, heard, waitUntil } = setUp({
      idleSeconds: 90,
      maxSeconds: 100,
      warnBeforeSeconds: 30,
    })
    const record = await logIn()
    clock.now = T0 + seconds(60)
    await sessionClock.check(record)
    clock.now = T0 + seconds(75)
    // Activity moves the idle end past the ceiling, which is 25 s away: still within a warning.
    await sessionClock.checkActive(record, waitUntil, { saveNow: true })
    expect(heard.map(({ payload }) => payload)).toEqual([
      { endsAt: T0 + seconds(90), secondsLeft: 30, reason: 'idle' },
      { endsAt: T0 + seconds(100), secondsLeft: 25, reason: 'session_ceiling' },
    ])
  })

  it("is withdrawn only for its own login: a new login's tabs hear nothing of the last one's", async () => {
    const { sessionClock, clock, logIn, types } = setUp({ idleSeconds: 300, warnBeforeSeconds: 30 })
    clock.now = T0 + seconds(280)
    await sessionClock.check(await logIn('login-A'))
    expect(types()).toEqual(['SESSION_EXPIRING'])

    const next = { ...(await logIn('login-B')), tokens: { ...tokens('login-B'), receivedAt: T0 + seconds(280) } }
    await sessionClock.check(next)
    expect(types()).toEqual(['SESSION_EXPIRING'])
  })
})

describe('SessionClock.statusOf', () => {
  it('names only the deadlines there are', async () => {
    const idle = setUp({ idleSeconds: 300 })
    expect(idle.sessionClock.statusOf(await idle.logIn())).toStrictEqual({
      idleEndsAt: T0 + seconds(300),
      warnsAt: T0 + seconds(240),
    })
    const ceiling = setUp({ maxSeconds: 600 })
    expect(ceiling.sessionClock.statusOf(await ceiling.logIn())).toStrictEqual({
      sessionEndsAt: T0 + seconds(600),
      warnsAt: T0 + seconds(540),
    })
    const none = setUp({})
    expect(none.sessionClock.statusOf(await none.logIn())).toStrictEqual({})
  })
})
