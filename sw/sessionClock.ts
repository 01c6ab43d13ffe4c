import type { SessionClockReason, SessionExpiring } from '../protocol/messages.js'
import type { Broadcast } from './broadcast.js'
import { decodeClaims } from './expiry.js'
import type { SessionOptions } from './glossary.js'
import { invalid, wholeSeconds } from './optionChecks.js'
import type { TokenSet } from './parseTokenResponse.js'
import { isLive, type LiveSession, type SessionRecord, type SessionTokens, type TokenStore } from './tokenStore.js'

/** The `session` options, resolved: the limits the app puts on every session. */
export interface SessionLimits {
  /** The ceiling: a session ends this long after its sign-in, whatever happens. */
  maxSeconds: number | undefined
  /** The idle timeout: a session ends after this long without activity in any tab. */
  idleSeconds: number | undefined
  /** Every tab hears `session-expiring` this long before an end. */
  warnBeforeSeconds: number
}

const DEFAULT_WARN_BEFORE_SECONDS = 60

/** Checks the `session` options (`ERR_INVALID_OPTIONS` for unusable ones) and fills the defaults. */
export function resolveSessionLimits(options: SessionOptions | undefined): SessionLimits {
  if (options === undefined)
    return { maxSeconds: undefined, idleSeconds: undefined, warnBeforeSeconds: DEFAULT_WARN_BEFORE_SECONDS }
  if (typeof options !== 'object' || options === null) invalid('"session" must be an object')
  return {
    maxSeconds: wholeSeconds(options.maxSeconds, 'session.maxSeconds', 1),
    idleSeconds: wholeSeconds(options.idleSeconds, 'session.idleSeconds', 1),
    warnBeforeSeconds:
      wholeSeconds(options.warnBeforeSeconds, 'session.warnBeforeSeconds', 0) ?? DEFAULT_WARN_BEFORE_SECONDS,
  }
}

/** What a session's tokens record for its clock. */
export type SessionClockFields = Pick<SessionTokens, 'refreshExpiresAt' | 'signedInAt' | 'providerEndsAt'>

/**
 * When the user signed in, for a login's tokens received at `receivedAt`: the ID token's
 * `auth_time` where it has one, else the login itself. On the worker's clock (Policy 3's skew
 * rule): the provider's instant is moved onto it through the ID token's own `iat`.
 */
export function signedInAtOf(response: TokenSet, receivedAt: number): number {
  const authTime = providerInstant(response, receivedAt, 'auth_time')
  return authTime !== undefined && authTime <= receivedAt ? authTime : receivedAt
}

/**
 * The clock fields of tokens received at `receivedAt`, given the session's so far (`lineage`):
 * lifetimes count from receipt on the worker's clock, and the sign-in's time carries over.
 */
export function clockFieldsFrom(
  response: TokenSet,
  receivedAt: number,
  lineage: Partial<SessionClockFields>,
): Partial<SessionClockFields> {
  // A new refresh token of unstated lifetime replaces one whose lifetime was known: now unknown.
  const refreshExpiresAt =
    response.refreshLifetimeSeconds !== undefined
      ? receivedAt + response.refreshLifetimeSeconds * 1000
      : response.refreshToken === undefined
        ? lineage.refreshExpiresAt
        : undefined
  const providerEndsAt = providerInstant(response, receivedAt, 'session_expiry') ?? lineage.providerEndsAt
  return {
    ...(refreshExpiresAt !== undefined && { refreshExpiresAt }),
    ...(lineage.signedInAt !== undefined && { signedInAt: lineage.signedInAt }),
    ...(providerEndsAt !== undefined && { providerEndsAt }),
  }
}

/** An instant the ID token states (epoch seconds on the provider's clock), on the worker's clock. */
function providerInstant(response: TokenSet, receivedAt: number, claim: string): number | undefined {
  const claims = response.idToken === undefined ? undefined : decodeClaims(response.idToken)
  const instant = claims?.[claim]
  const issuedAt = claims?.['iat']
  return typeof instant === 'number' && typeof issuedAt === 'number' && Number.isFinite(instant - issuedAt)
    ? receivedAt + (instant - issuedAt) * 1000
    : undefined
}

/** Whether any deadline can apply to `tokens` under `limits` (without one, the clock has nothing to do). */
function mayEnd(tokens: SessionTokens, limits: SessionLimits): boolean {
  return (
    limits.maxSeconds !== undefined ||
    limits.idleSeconds !== undefined ||
    tokens.refreshExpiresAt !== undefined ||
    tokens.providerEndsAt !== undefined
  )
}

/** When a session ends, and why: its deadlines on the worker's clock (`null`: none). */
export interface SessionDeadlines {
  /** The first of the refresh token's lifetime, the ceiling and the provider's own end. */
  sessionEndsAt: number | null
  sessionEndReason: Exclude<SessionClockReason, 'idle'> | undefined
  /** When the idle timeout runs out, counted from the last activity in any tab. */
  idleEndsAt: number | null
}

/** The deadlines of `record`'s session under `limits`. Pure: the same record always answers the same. */
export function deadlinesOf(record: LiveSession, limits: SessionLimits): SessionDeadlines {
  const { tokens } = record
  let sessionEndsAt: number | null = null
  let sessionEndReason: SessionDeadlines['sessionEndReason']
  const consider = (at: number | undefined, reason: Exclude<SessionClockReason, 'idle'>) => {
    if (at !== undefined && (sessionEndsAt === null || at < sessionEndsAt)) {
      sessionEndsAt = at
      sessionEndReason = reason
    }
  }
  consider(tokens.refreshExpiresAt, 'refresh_token_lifetime')
  if (limits.maxSeconds !== undefined)
    consider((tokens.signedInAt ?? tokens.receivedAt) + limits.maxSeconds * 1000, 'session_ceiling')
  consider(tokens.providerEndsAt, 'session_ceiling')
  const lastActiveAt = Math.max(record.lastActiveAt ?? 0, tokens.receivedAt)
  const idleEndsAt = limits.idleSeconds === undefined ? null : lastActiveAt + limits.idleSeconds * 1000
  return { sessionEndsAt, sessionEndReason, idleEndsAt }
}

/** The first end of a session, if it has any deadline. */
export function firstEnd(deadlines: SessionDeadlines): { endsAt: number; reason: SessionClockReason } | undefined {
  const { sessionEndsAt, sessionEndReason, idleEndsAt } = deadlines
  if (idleEndsAt !== null && (sessionEndsAt === null || idleEndsAt <= sessionEndsAt))
    return { endsAt: idleEndsAt, reason: 'idle' }
  return sessionEndsAt === null || sessionEndReason === undefined
    ? undefined
    : { endsAt: sessionEndsAt, reason: sessionEndReason }
}

/** What `status()` adds for a session with deadlines; each absent when there is none. */
export interface ClockStatus {
  sessionEndsAt?: number
  idleEndsAt?: number
  /** When every tab hears `session-expiring` (at `warnBeforeSeconds` before the first end). */
  warnsAt?: number
  /** Present during the warning: a tab opened now learns what the others heard. */
  expiring?: SessionExpiring
}

/** Keeps the worker alive for work that outlives the answer (`ExtendableEvent.waitUntil`). */
type WaitUntil = (promise: Promise<unknown>) => void

/** For a caller without an event to keep alive: the work runs, unawaited. */
const unawaited: WaitUntil = (promise) => void promise.catch(() => undefined)

export interface SessionClockContext {
  store: TokenStore
  broadcast: Broadcast
  now: () => number
  limits: SessionLimits
  /**
   * Ends `record`'s session for `reason` as a refused refresh does: cleared once, every tab told
   * once; what outlives that (a revocation) goes to `waitUntil`.
   */
  end: (record: LiveSession, reason: SessionClockReason, waitUntil: WaitUntil) => Promise<void>
}

/** The longest activity goes unsaved: a restart forgets at most this much of it. */
const MAX_UNSAVED_ACTIVITY_MS = 5_000

/**
 * Policy 16, one session clock for every tab. Browsers stop an idle worker within seconds, so the
 * clock is no timer: the deadlines live in the session record, and every request, message and
 * status read checks them here. The pages schedule the checks that must happen when nothing else
 * does (the warning, the end) from `status()`, which confirms them, so a warning never shows in a
 * tab whose session another tab just extended.
 */
export class SessionClock {
  readonly #context: SessionClockContext
  /** The warning out, if one is: told once per login and reason, until it is withdrawn. */
  #warned: { loginId: string; reason: SessionClockReason } | undefined
  /** When this worker last saved a login's activity. */
  #savedActivity = { loginId: '', at: 0 }

  constructor(context: SessionClockContext) {
    this.#context = context
  }

  /** Whether sessions here have an idle timeout; without one, activity is not even recorded. */
  get tracksIdle(): boolean {
    return this.#context.limits.idleSeconds !== undefined
  }

  /**
   * Whether `record`'s session is within its deadlines. One past its end is ended here (and
   * answers `false`); one inside its warning has every tab told once; one whose warning no longer
   * holds (activity moved the idle deadline, a renewal the refresh token's) has it withdrawn.
   */
  check(record: SessionRecord, waitUntil: WaitUntil = unawaited): Promise<boolean> {
    return this.#check(record, waitUntil, undefined)
  }

  /**
   * `check`, for a use of the session (an API request, a page's report, `stayActive()`): a session
   * still within its deadlines has its idle deadline moved for every tab (and an idle warning
   * withdrawn). The save goes to `waitUntil` so the request does not wait on it. Without an idle
   * timeout, the same as `check`.
   */
  checkActive(record: SessionRecord, waitUntil: WaitUntil, { saveNow = false } = {}): Promise<boolean> {
    return this.#check(record, waitUntil, { saveNow })
  }

  async #check(record: SessionRecord, waitUntil: WaitUntil, activity: { saveNow: boolean } | undefined) {
    if (!isLive(record)) return false
    const { limits, now } = this.#context
    // The API path's common case: nothing can end this session and no warning is out.
    if (this.#warned === undefined && !mayEnd(record.tokens, limits)) return true
    const at = now()
    const end = firstEnd(deadlinesOf(record, limits))
    if (end && at >= end.endsAt) {
      this.#warned = undefined
      await this.#context.end(record, end.reason, waitUntil)
      return false
    }
    const used = activity && this.tracksIdle ? await this.#markActive(record, at, waitUntil, activity.saveNow) : record
    await this.#warnings(used, at)
    return true
  }

  /**
   * Counts activity at `at`. An API request's is saved at most every few seconds (its request
   * does not wait for it); a page's (`saveNow`) at once, since the page reads the status next.
   */
  async #markActive(record: LiveSession, at: number, waitUntil: WaitUntil, saveNow: boolean): Promise<LiveSession> {
    const { store } = this.#context
    const { loginId } = record.tokens
    store.markActive(loginId, at)
    const saved = this.#savedActivity
    if (saveNow || saved.loginId !== loginId || at - saved.at >= MAX_UNSAVED_ACTIVITY_MS) {
      this.#savedActivity = { loginId, at }
      const save = store.saveActivity(loginId, at)
      if (saveNow) await save
      else waitUntil(save.catch(() => undefined))
    }
    return { ...record, lastActiveAt: Math.max(record.lastActiveAt ?? 0, at) }
  }

  async #warnings(record: LiveSession, at: number): Promise<void> {
    const { limits, broadcast } = this.#context
    const deadlines = deadlinesOf(record, limits)
    const end = firstEnd(deadlines)
    const warned = this.#warned
    const { loginId } = record.tokens
    if (end && at >= end.endsAt - limits.warnBeforeSeconds * 1000) {
      // Once per login and reason while it holds: a deadline that moves within the warning (the
      // idle clock read again from the store) is the same warning, not a new one.
      if (warned?.loginId === loginId && warned.reason === end.reason) return
      this.#warned = { loginId, reason: end.reason }
      await broadcast('SESSION_EXPIRING', expiringAt(end, at))
    } else if (warned) {
      this.#warned = undefined
      // A warning of a login that has since ended is nobody's to withdraw.
      if (warned.loginId === loginId)
        await broadcast('SESSION_EXTENDED', {
          sessionEndsAt: deadlines.sessionEndsAt,
          idleEndsAt: deadlines.idleEndsAt,
        })
    }
  }

  /** What `status()` says of `record`'s deadlines (after `check`). */
  statusOf(record: LiveSession): ClockStatus {
    const { limits, now } = this.#context
    const deadlines = deadlinesOf(record, limits)
    const end = firstEnd(deadlines)
    if (!end) return {}
    const warnsAt = end.endsAt - limits.warnBeforeSeconds * 1000
    const at = now()
    return {
      ...(deadlines.sessionEndsAt !== null && { sessionEndsAt: deadlines.sessionEndsAt }),
      ...(deadlines.idleEndsAt !== null && { idleEndsAt: deadlines.idleEndsAt }),
      warnsAt,
      ...(at >= warnsAt && { expiring: expiringAt(end, at) }),
    }
  }
}

function expiringAt(end: { endsAt: number; reason: SessionClockReason }, now: number): SessionExpiring {
  return { endsAt: end.endsAt, secondsLeft: Math.max(0, Math.ceil((end.endsAt - now) / 1000)), reason: end.reason }
}
