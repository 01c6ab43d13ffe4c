import type { Broadcast } from './broadcast.js'
import type { RefreshResult } from './requestRefresh.js'
import { sessionTokensFrom } from './sessionTokensFrom.js'
import { isLive, type LiveSession, type TokenStore } from './tokenStore.js'

/** The part of `LockManager` the refresher needs (`navigator.locks` in a service worker). */
export interface Locks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>
}

export type RefreshOutcome =
  | { kind: 'renewed'; record: LiveSession }
  | { kind: 'ended'; reason: string }
  | { kind: 'failed'; reason: string; retryAt: number }

export interface SessionRefresherOptions {
  store: TokenStore
  locks: Locks
  broadcast: Broadcast
  now: () => number
  /** Asks the server for new tokens: the plain refresh endpoint, or the OpenID provider. */
  renew: (refreshToken: string) => Promise<RefreshResult>
  /** Warns about a rejected refresh response; never given a token. */
  warn: (message: string) => void
}

const LOCK_NAME = 'sw-token-proxy:refresh'
const FIRST_BACKOFF_MS = 1_000
const MAX_BACKOFF_MS = 60_000
const MAX_RETRY_AFTER_MS = 10 * 60_000

/**
 * Policy 4, one refresh everywhere. Inside one worker, concurrent callers share one in-flight
 * promise. Across workers (a restart mid-refresh, two versions alive during an update) a Web Lock
 * serialises read → refresh → compare-and-swap, and the store is re-read after taking the lock:
 * if the generation moved, someone else already refreshed, and their token is used instead.
 */
export class SessionRefresher {
  readonly #options: SessionRefresherOptions
  #inFlight: Promise<RefreshOutcome> | undefined
  #retryAt = 0
  #failures = 0

  constructor(options: SessionRefresherOptions) {
    this.#options = options
  }

  /** Renews the session that the caller saw at `seenGeneration`, once for all concurrent callers. */
  refresh(seenGeneration: number): Promise<RefreshOutcome> {
    this.#inFlight ??= this.#options.locks
      .request(LOCK_NAME, () => this.#refreshUnderLock(seenGeneration))
      .finally(() => {
        this.#inFlight = undefined
      })
    return this.#inFlight
  }

  /** A new login clears the backoff left by an earlier session's failures. */
  reset(): void {
    this.#retryAt = 0
    this.#failures = 0
  }

  async #refreshUnderLock(seenGeneration: number): Promise<RefreshOutcome> {
    const { store, broadcast, now } = this.#options
    const stored = await store.reload()
    if (!isLive(stored)) return { kind: 'ended', reason: 'no_session' }
    if (stored.generation !== seenGeneration) return { kind: 'renewed', record: stored }
    if (stored.tokens.refreshToken === undefined) return this.#end(stored.generation, 'no_refresh_token')
    if (now() < this.#retryAt) return { kind: 'failed', reason: 'backing_off', retryAt: this.#retryAt }

    const result = await this.#options.renew(stored.tokens.refreshToken)
    if (result.kind === 'terminal') return this.#end(stored.generation, result.reason)
    if (result.kind === 'transient') {
      this.#failures += 1
      const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** (this.#failures - 1), MAX_BACKOFF_MS)
      this.#retryAt = now() + Math.max(backoff, Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS))
      if (result.error) this.#options.warn(result.error.message)
      await broadcast('REFRESH_FAILED', { reason: result.reason, retryAt: this.#retryAt })
      return { kind: 'failed', reason: result.reason, retryAt: this.#retryAt }
    }

    this.reset()
    // Policy 7: a response without a refresh token (or ID token) keeps the one we had.
    const tokens = sessionTokensFrom(result.tokens, now(), stored.tokens)
    const { written, record } = await store.compareAndSwap(stored.generation, tokens)
    if (!written) {
      // Only possible without working locks, or when a logout landed meanwhile: the store wins.
      return isLive(record) ? { kind: 'renewed', record } : { kind: 'ended', reason: 'logged_out' }
    }
    // Not awaited: the waiting requests need the new token, not the tabs' notification.
    broadcast('SESSION_REFRESHED', { expiresAt: tokens.expiresAt }).catch(() => undefined)
    return { kind: 'renewed', record: { generation: record.generation, tokens } }
  }

  async #end(generation: number, reason: string): Promise<RefreshOutcome> {
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
