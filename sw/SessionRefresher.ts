import type { RefreshFailedReason, SessionExpiredReason } from '../protocol/messages.js'
import type { Broadcast } from './broadcast.js'
import type { RefreshResult } from './refreshResult.js'
import { sessionTokensFrom } from './sessionTokensFrom.js'
import { isLive, type LiveSession, type SessionRecord, type SessionTokens, type TokenStore } from './tokenStore.js'

/** The part of `LockManager` the refresher needs (`navigator.locks` in a service worker). */
export interface Locks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>
}

/**
 * What a caller of `refresh()` gets, in the same words as `RefreshResult`: `renewed` with the
 * session to use; `ended` (the session is over, or the caller's login is gone: `no_session`,
 * `logged_out`); `failed` for now (`backing_off` while an earlier failure's backoff runs).
 */
export type RefreshOutcome =
  | { kind: 'renewed'; record: LiveSession }
  | { kind: 'ended'; reason: SessionExpiredReason | 'no_session' | 'logged_out' }
  | { kind: 'failed'; reason: RefreshFailedReason | 'backing_off'; retryAt: number }

/** The session a caller's request was made under: its login and the generation it saw. */
export type SeenSession = Pick<LiveSession, 'generation'> & { tokens: Pick<LiveSession['tokens'], 'loginId'> }

export interface SessionRefresherOptions {
  store: TokenStore
  locks: Locks
  broadcast: Broadcast
  now: () => number
  /** What this worker is configured to refresh with (`issuerOf`); a session from elsewhere is ended. */
  issuedBy: string
  /**
   * Asks the server for new tokens: the plain refresh endpoint, or the OpenID provider. `session`
   * is the stored session being renewed (DPoP, issue 15: its key proves the refresh).
   */
  renew: (refreshToken: string, session: SessionTokens) => Promise<RefreshResult>
  /** Warns about a rejected refresh response; never given a token. */
  warn: (message: string) => void
}

const LOCK_PREFIX = 'sw-token-proxy:refresh:'
const FIRST_BACKOFF_MS = 1_000
const MAX_BACKOFF_MS = 60_000
const MAX_RETRY_AFTER_MS = 10 * 60_000

interface Backoff {
  loginId: string
  retryAt: number
  failures: number
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
 */
export class SessionRefresher {
  readonly #options: SessionRefresherOptions
  readonly #inFlight = new Map<string, Promise<RefreshOutcome>>()
  #backoff: Backoff | undefined
  #refusedAfterRenewal: { loginId: string; generation: number } | undefined

  constructor(options: SessionRefresherOptions) {
    this.#options = options
  }

  /** Renews the session the caller saw, once for all concurrent callers of that login. */
  refresh(seen: SeenSession): Promise<RefreshOutcome> {
    const { loginId } = seen.tokens
    let flight = this.#inFlight.get(loginId)
    if (!flight) {
      flight = this.#options.locks
        .request(`${LOCK_PREFIX}${loginId}`, () => this.#refreshUnderLock(seen))
        .finally(() => this.#inFlight.delete(loginId))
      this.#inFlight.set(loginId, flight)
    }
    return flight
  }

  /**
   * The stored session if this worker may use it. A session issued by another refresh endpoint or
   * OpenID issuer (the app changed provider, or another worker script shares this origin's
   * database) is ended here, so its refresh token never goes anywhere else (Policy 10).
   */
  async usable(record: SessionRecord): Promise<LiveSession | undefined> {
    if (!isLive(record)) return undefined
    if (record.tokens.issuedBy === this.#options.issuedBy) return record
    await this.#end(record.generation, 'configuration_changed')
    return undefined
  }

  /**
   * Marks a generation whose freshly renewed token the API refused too: later 401s for it pass
   * through, so an endpoint that always answers 401 costs one refresh, not one per call.
   */
  noteRefusedAfterRenewal(session: LiveSession): void {
    this.#refusedAfterRenewal = { loginId: session.tokens.loginId, generation: session.generation }
  }

  wasRefusedAfterRenewal(session: SeenSession): boolean {
    const refused = this.#refusedAfterRenewal
    return refused !== undefined && refused.loginId === session.tokens.loginId && refused.generation === session.generation
  }

  async #refreshUnderLock(seen: SeenSession): Promise<RefreshOutcome> {
    const { store, now } = this.#options
    const record = await store.reload()
    if (!isLive(record)) return { kind: 'ended', reason: 'no_session' }
    // The caller's login is gone (a logout, another user's login): its request gets no token of
    // the new login, and the new login is not refreshed on its behalf.
    if (record.tokens.loginId !== seen.tokens.loginId) return { kind: 'ended', reason: 'logged_out' }
    const stored = await this.usable(record)
    if (!stored) return { kind: 'ended', reason: 'configuration_changed' }
    if (stored.generation !== seen.generation) return { kind: 'renewed', record: stored }
    if (stored.tokens.refreshToken === undefined) return this.#end(stored.generation, 'no_refresh_token')
    const backoff = this.#backoff?.loginId === stored.tokens.loginId ? this.#backoff : undefined
    if (backoff && now() < backoff.retryAt) return { kind: 'failed', reason: 'backing_off', retryAt: backoff.retryAt }

    const result = await this.#options.renew(stored.tokens.refreshToken, stored.tokens)
    if (result.kind === 'ended') return this.#end(stored.generation, result.reason)
    if (result.kind === 'failed') return this.#failed(stored, result, backoff)

    if (backoff) this.#backoff = undefined
    // Policy 7: a response without a refresh token (or ID token) keeps the one we had.
    const tokens = sessionTokensFrom(result.tokens, now(), stored.tokens)
    const { written, record: after } = await store.compareAndSwap(stored.generation, tokens)
    if (!written) {
      // Only possible without working locks, or when a logout or a new login landed meanwhile.
      return isLive(after) && after.tokens.loginId === stored.tokens.loginId ? { kind: 'renewed', record: after } : { kind: 'ended', reason: 'logged_out' }
    }
    // Not awaited: the waiting requests need the new token, not the tabs' notification.
    this.#options.broadcast('SESSION_REFRESHED', { expiresAt: tokens.expiresAt }).catch(() => undefined)
    return { kind: 'renewed', record: { generation: after.generation, tokens } }
  }

  async #failed(stored: LiveSession, result: Extract<RefreshResult, { kind: 'failed' }>, previous: Backoff | undefined): Promise<RefreshOutcome> {
    const { now, store, broadcast, warn } = this.#options
    const failures = (previous?.failures ?? 0) + 1
    const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** (failures - 1), MAX_BACKOFF_MS)
    const retryAt = now() + Math.max(backoff, Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS))
    this.#backoff = { loginId: stored.tokens.loginId, retryAt, failures }
    if (result.error) warn(result.error.message)
    // A login that ended while its refresh was out does not tell the next login's tabs it failed.
    const current = await store.reload()
    if (isLive(current) && current.tokens.loginId === stored.tokens.loginId) await broadcast('REFRESH_FAILED', { reason: result.reason, retryAt })
    return { kind: 'failed', reason: result.reason, retryAt }
  }

  async #end(generation: number, reason: SessionExpiredReason): Promise<RefreshOutcome> {
    const { written } = await this.#options.store.compareAndSwap(generation, null)
    // Exactly one writer ends a given generation, so each tab hears SESSION_EXPIRED once.
    if (written) await this.#options.broadcast('SESSION_EXPIRED', { reason })
    return { kind: 'ended', reason }
  }
}

/** Used where `navigator.locks` is missing: the in-memory single flight still holds per worker. */
export const noLocks: Locks = {
  request: (_name, callback) => callback(),
}
