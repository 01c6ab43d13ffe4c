import type { RefreshFailedReason, SessionExpiredReason } from '../protocol/messages.js'
import { SESSION_TOKEN, type ApiTokenKind, type HeldToken, type SeenToken } from './apiTokens.js'
import type { Broadcast } from './broadcast.js'
import { NO_DECISIONS, type DecisionLog } from './decisionLog.js'
import type { RefreshResult } from './refreshResult.js'
import type { TokenTarget } from './tokenTarget.js'
import { isLive, type LiveSession, type SessionRecord, type SessionTokens, type TokenStore } from './tokenStore.js'

/** The part of `LockManager` the refresher needs (`navigator.locks` in a service worker). */
export interface Locks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>
}

/**
 * What a renewal gives its callers, for the session's own token and every API's alike (one union
 * from the lock to the request that waited): `renewed` with the session to use (the token is read
 * from it by its kind); `ended` (the session is over, or the caller's login is gone: `no_session`,
 * `logged_out`); `failed` for now, the stored tokens kept (`backing_off` while an earlier failure's
 * backoff runs; `no_refresh_token` for an API token the session has nothing to mint with).
 */
export type Renewal =
  | { kind: 'renewed'; record: LiveSession }
  | { kind: 'ended'; reason: SessionExpiredReason | 'no_session' | 'logged_out' }
  | { kind: 'failed'; reason: RefreshFailedReason | 'backing_off' | 'no_refresh_token'; retryAt: number }

/** A token an API refused: whose login it is, and which token. */
type RefusedToken = Pick<HeldToken, 'loginId' | 'accessToken'>

export interface SessionRefresherOptions {
  store: TokenStore
  locks: Locks
  broadcast: Broadcast
  now: () => number
  /** What this worker is configured to refresh with (`issuerOf`); a session from elsewhere is ended. */
  issuedBy: string
  /**
   * Asks the server for new tokens: the plain refresh endpoint, or the OpenID provider; with a
   * `target`, the access token for that API (Policy 11). `session` is the stored session being
   * renewed (DPoP, Policy 14: its key proves the refresh).
   */
  renew: (refreshToken: string, session: SessionTokens, target?: TokenTarget) => Promise<RefreshResult>
  /** Warns about a rejected refresh response; never given a token. */
  warn: (message: string) => void
  /** The decision log: renewals started and joined, their outcome, the session's end. */
  log?: DecisionLog | undefined
}

const LOCK_PREFIX = 'sw-token-proxy:refresh:'
const FIRST_BACKOFF_MS = 1_000
const MAX_BACKOFF_MS = 60_000
const MAX_RETRY_AFTER_MS = 10 * 60_000

/** After a passing failure: when a use of the refresh token may be tried again, and how many in a row failed. */
interface Backoff {
  retryAt: number
  failures: number
}

/** One renewal under way, and how many requests share it (for the decision log). */
interface Flight {
  promise: Promise<Renewal>
  requests: number
}

/** Everything this worker keeps about one login's uses of its refresh token, in one place. */
interface LoginState {
  /** The tail of the uses of its refresh token queued in this worker. */
  queue: Promise<void>
  /** The renewals under way, by kind of token and token seen: their callers share them. */
  readonly flights: Map<string, Flight>
  backoff: Backoff | undefined
  /**
   * By kind of token (`''`: the session's own), the access token its API refused right after its
   * renewal. Kept by the token itself: the record generation also moves with other APIs' renewals.
   */
  readonly refusedAfterRenewal: Map<string, string>
}

/**
 * Policy 4, one refresh everywhere, and Policy 10, a session belongs to one login.
 *
 * Inside one worker, concurrent callers of one login share one in-flight promise. Across workers
 * (a restart mid-refresh, two versions alive during an update) a Web Lock serialises
 * read → refresh → compare-and-swap, and the store is re-read after taking the lock: if the
 * generation moved, someone else already refreshed, and their token is used instead.
 *
 * Everything is per login: the in-flight promise, the lock, the backoff and the "refused after
 * renewal" mark. A login that replaced another never waits on, inherits or hears about the old
 * login's refresh, and a request made under the old login is never handed the new login's token.
 *
 * Policy 11, many APIs, one refresh token: every use of a login's refresh token, for the session's
 * own token or for any API's, runs under the same lock (and, in this worker, one queue per login,
 * so it holds even where Web Locks are missing), re-reads the store, and writes with a
 * compare-and-swap; so a rotated refresh token is never presented twice. Requests whose token is
 * still valid never reach the refresher, so they never wait on another API's renewal.
 */
export class SessionRefresher {
  readonly #options: SessionRefresherOptions
  readonly #log: DecisionLog
  /** Per login, keyed by its `loginId` and nothing else. */
  readonly #logins = new Map<string, LoginState>()

  constructor(options: SessionRefresherOptions) {
    this.#options = options
    this.#log = options.log ?? NO_DECISIONS
  }

  /**
   * Renews the token of `kind` (default: the session's own) that the caller saw, once for all
   * concurrent callers of that login that saw the same token. A caller that saw another token gets
   * its own turn under the lock, which renews again only if the stored token is still the one it
   * saw: joining a renewal started for an older token could only hand it back the token it was
   * just refused with. For an API's own token (Policy 11), a rotated refresh token in the answer
   * replaces the session's, so the next renewal, for any API, presents the new one.
   */
  refresh(seen: SeenToken, kind: ApiTokenKind = SESSION_TOKEN): Promise<Renewal> {
    const login = this.#stateOf(seen.loginId)
    const flightKey = `${kind.key}\n${seen.accessToken ?? ''}`
    const log = this.#log
    const token = kind.key || 'session'
    const flight = login.flights.get(flightKey)
    if (flight) {
      flight.requests++
      if (log.enabled) log.record({ type: 'renewal', token, phase: 'joined' })
      return flight.promise
    }
    const { now } = this.#options
    const asked = now()
    let locked = asked
    const work = () => ((locked = now()), this.#renewUnderLock(seen, kind, login))
    const promise = this.#exclusive(seen.loginId, login, work).then((renewal) => {
      if (log.enabled)
        log.record({
          type: 'renewed',
          token,
          outcome: renewal.kind,
          ...(renewal.kind !== 'renewed' && { reason: renewal.reason }),
          requests: current.requests,
          lockMs: locked - asked,
          ms: now() - asked,
        })
      return renewal
    })
    const current: Flight = { promise: promise.finally(() => login.flights.delete(flightKey)), requests: 1 }
    login.flights.set(flightKey, current)
    if (log.enabled) log.record({ type: 'renewal', token, phase: 'started' })
    return current.promise
  }

  /**
   * The stored session if this worker may use it. A session issued by another refresh endpoint or
   * OpenID issuer (the app changed provider, or another worker script shares this origin's
   * database) is ended here, so its refresh token never goes anywhere else (Policy 10). The one
   * read that may write: it is named for what it answers, and says here what it does.
   */
  async usable(record: SessionRecord): Promise<LiveSession | undefined> {
    if (!isLive(record)) return undefined
    if (record.tokens.issuedBy === this.#options.issuedBy) return record
    await this.#end(record.generation, 'configuration_changed')
    return undefined
  }

  /**
   * Marks a token its API refused right after its renewal (`target`: an API's own token, none:
   * the session's): later 401s for it pass through, so an endpoint that always answers 401 costs
   * one refresh, not one per call.
   */
  noteRefusedAfterRenewal(token: RefusedToken, target?: Pick<TokenTarget, 'key'>): void {
    this.#stateOf(token.loginId).refusedAfterRenewal.set(target?.key ?? '', token.accessToken)
  }

  wasRefusedAfterRenewal(token: RefusedToken, target?: Pick<TokenTarget, 'key'>): boolean {
    return this.#logins.get(token.loginId)?.refusedAfterRenewal.get(target?.key ?? '') === token.accessToken
  }

  async #renewUnderLock(seen: SeenToken, kind: ApiTokenKind, login: LoginState): Promise<Renewal> {
    const { store, now } = this.#options
    const record = await store.reload()
    if (!isLive(record)) return { kind: 'ended', reason: 'no_session' }
    // The caller's login is gone (a logout, another user's login): its request gets no token of
    // the new login, and the new login is not renewed on its behalf.
    if (record.tokens.loginId !== seen.loginId) return { kind: 'ended', reason: 'logged_out' }
    const stored = await this.usable(record)
    if (!stored) return { kind: 'ended', reason: 'configuration_changed' }
    // Someone renewed since the caller looked (here, or in another worker): use their token.
    if (kind.renewedSince(stored, seen)) return { kind: 'renewed', record: stored }
    const { refreshToken } = stored.tokens
    if (refreshToken === undefined)
      return kind.endsWithoutRefreshToken
        ? this.#end(stored.generation, 'no_refresh_token')
        : // Nothing to mint with until the next login: no retry can succeed before then.
          { kind: 'failed', reason: 'no_refresh_token', retryAt: Number.POSITIVE_INFINITY }
    const { backoff } = login
    if (backoff && now() < backoff.retryAt) return { kind: 'failed', reason: 'backing_off', retryAt: backoff.retryAt }

    const result = await this.#options.renew(refreshToken, stored.tokens, kind.target)
    // The refresh token was presented: whatever the server said about an API's token, a refused
    // grant may have consumed it, so a refusal ends the session (Policy 6), and a passing failure
    // backs off every use of it.
    if (result.kind === 'ended') return this.#end(stored.generation, result.reason)
    if (result.kind === 'failed') return this.#failed(stored, result, login)

    login.backoff = undefined
    const tokens = kind.renewed(stored, result.tokens, now())
    const { written, record: after } = await store.compareAndSwap(stored.generation, tokens)
    if (!written) {
      // Only possible without working locks, or when a logout or a new login landed meanwhile.
      return isLive(after) && after.tokens.loginId === stored.tokens.loginId
        ? { kind: 'renewed', record: after }
        : { kind: 'ended', reason: 'logged_out' }
    }
    // Not awaited: the waiting requests need the new token, not the tabs' notification.
    if (kind === SESSION_TOKEN)
      this.#options.broadcast('SESSION_REFRESHED', { expiresAt: tokens.expiresAt }).catch(() => undefined)
    return { kind: 'renewed', record: { generation: after.generation, tokens } }
  }

  /**
   * Runs `work` (one use of the login's refresh token) after every earlier one of this worker, and
   * under the login's Web Lock, which serialises it with other workers' too.
   */
  #exclusive<T>(loginId: string, login: LoginState, work: () => Promise<T>): Promise<T> {
    const run = login.queue.then(() => this.#options.locks.request(`${LOCK_PREFIX}${loginId}`, work))
    login.queue = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }

  /**
   * The state of `loginId`, made on its first use of the refresh token. Only one login can renew
   * (the stored one), so making a login's state forgets the others that have nothing under way
   * and no backoff still running.
   */
  #stateOf(loginId: string): LoginState {
    let state = this.#logins.get(loginId)
    if (!state) {
      const now = this.#options.now()
      for (const [other, { flights, backoff }] of this.#logins)
        if (flights.size === 0 && (backoff === undefined || backoff.retryAt <= now)) this.#logins.delete(other)
      state = { queue: Promise.resolve(), flights: new Map(), backoff: undefined, refusedAfterRenewal: new Map() }
      this.#logins.set(loginId, state)
    }
    return state
  }

  async #failed(
    stored: LiveSession,
    result: Extract<RefreshResult, { kind: 'failed' }>,
    login: LoginState,
  ): Promise<Extract<Renewal, { kind: 'failed' }>> {
    const { now, store, broadcast, warn } = this.#options
    const failures = (login.backoff?.failures ?? 0) + 1
    const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** (failures - 1), MAX_BACKOFF_MS)
    const retryAt = now() + Math.max(backoff, Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS))
    login.backoff = { retryAt, failures }
    if (result.error) warn(result.error.message)
    // A login that ended while its refresh was out does not tell the next login's tabs it failed.
    const current = await store.reload()
    if (isLive(current) && current.tokens.loginId === stored.tokens.loginId)
      await broadcast('REFRESH_FAILED', { reason: result.reason, retryAt })
    return { kind: 'failed', reason: result.reason, retryAt }
  }

  /**
   * Ends the session at `generation` for `reason`, as a refused refresh does (the session clock's
   * ends too, Policy 16). Answers whether this call ended it: only one caller does.
   */
  async end(generation: number, reason: SessionExpiredReason): Promise<boolean> {
    const { written } = await this.#options.store.compareAndSwap(generation, null)
    // Exactly one writer ends a given generation, so each tab hears SESSION_EXPIRED once.
    if (written && this.#log.enabled) this.#log.record({ type: 'session-end', reason })
    if (written) await this.#options.broadcast('SESSION_EXPIRED', { reason })
    return written
  }

  async #end(generation: number, reason: SessionExpiredReason): Promise<Extract<Renewal, { kind: 'ended' }>> {
    await this.end(generation, reason)
    return { kind: 'ended', reason }
  }
}

/** Used where `navigator.locks` is missing: the in-memory single flight still holds per worker. */
export const noLocks: Locks = {
  request: (_name, callback) => callback(),
}
