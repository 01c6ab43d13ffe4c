import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { RefreshResult } from './refreshResult.js'
import { SessionRefresher, noLocks } from './SessionRefresher.js'
import { TokenStore } from './tokenStore.js'

/**
 * A request made under a login that is gone (its tab still had the old token) reaches the
 * refresher while the stored login has a refresh under way or a backoff running: that neither
 * lets the stored login's refresh token be presented again early, nor keeps an old backoff alive.
 */

const ISSUER = 'refresh https://app.example/auth/refresh'
const T0 = 1_700_000_000_000

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  return { promise: new Promise<T>((settle) => (resolve = settle)), resolve }
}

/** Login A stored; `answer` is the server's reply to each use of its refresh token. */
async function setUp(answer: () => RefreshResult | Promise<RefreshResult>) {
  const store = new TokenStore(`refresher-other-logins-${crypto.randomUUID()}`)
  const { generation } = await store.start({
    loginId: 'login-A',
    issuedBy: ISSUER,
    accessToken: 'at-1',
    refreshToken: 'rt-1',
    idToken: undefined,
    expiresAt: T0 + 3_600_000,
    receivedAt: T0,
  })
  const clock = { now: T0 }
  const presented: string[] = []
  const failures: unknown[] = []
  const refresher = new SessionRefresher({
    store,
    locks: noLocks,
    broadcast: (type, payload) => (type === 'REFRESH_FAILED' && failures.push(payload), Promise.resolve()),
    now: () => clock.now,
    issuedBy: ISSUER,
    renew: (refreshToken) => (presented.push(refreshToken), Promise.resolve(answer())),
    warn: () => undefined,
  })
  const ofA = { generation, loginId: 'login-A' }
  const ofGoneLogin = { generation: 1, loginId: 'login-gone' }
  return { refresher, clock, presented, failures, ofA, ofGoneLogin }
}

const unavailable: RefreshResult = { kind: 'failed', reason: 'http_503', retryAfterMs: undefined }

describe('a gone login reaching the refresher', () => {
  it('while the stored login backs off: the stored refresh token is not presented before the backoff ends', async () => {
    const { refresher, presented, ofA, ofGoneLogin } = await setUp(() => unavailable)
    expect(await refresher.refresh(ofA)).toMatchObject({ kind: 'failed', reason: 'http_503' })

    expect(await refresher.refresh(ofGoneLogin)).toEqual({ kind: 'ended', reason: 'logged_out' })
    expect(await refresher.refresh(ofA)).toMatchObject({ kind: 'failed', reason: 'backing_off' })

    expect(presented).toEqual(['rt-1'])
  })

  it('while the stored login refreshes: a second caller of that login still shares the one refresh', async () => {
    const answer = deferred<RefreshResult>()
    const { refresher, presented, ofA, ofGoneLogin } = await setUp(() => answer.promise)
    const first = refresher.refresh(ofA)
    await new Promise((resolve) => setTimeout(resolve, 10))

    expect(await refresher.refresh(ofGoneLogin)).toEqual({ kind: 'ended', reason: 'logged_out' })
    const second = refresher.refresh(ofA)
    answer.resolve(unavailable)
    await Promise.all([first, second])

    expect(presented).toEqual(['rt-1'])
  })

  it('once the backoff has run out: the next failure backs off one second again, as a first one', async () => {
    const { refresher, clock, failures, ofA, ofGoneLogin } = await setUp(() => unavailable)
    await refresher.refresh(ofA)
    clock.now = T0 + 1_000

    await refresher.refresh(ofGoneLogin)
    await refresher.refresh(ofA)

    expect(failures).toEqual([
      { reason: 'http_503', retryAt: T0 + 1_000 },
      { reason: 'http_503', retryAt: T0 + 1_000 + 1_000 },
    ])
  })
})
