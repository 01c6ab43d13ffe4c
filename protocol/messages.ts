import type { ExplainedMode, TokenProxyDecision, TokenProxyExplanation } from './decisions.js'
import { isSerializedError, type SerializedError } from './errors.js'
import { isStepUpRequirement, type SignInOptions, type StepUpRequirement } from './stepUp.js'

/**
 * The protocol between the page and the worker. Both sides import these types and both validate
 * what they receive. No message, reply or payload here ever carries a token.
 */

/**
 * Bumped whenever a message shape changes; the client warns when page and worker disagree.
 * 2: `STEP_UP_REQUIRED`, and `SIGN_IN` with `acrValues` and `maxAge` (RFC 9470 step-up).
 * Not bumped for messages only added, which the other side ignores: `SESSION_EXPIRING`,
 * `SESSION_EXTENDED`, `STAY_ACTIVE`, `DIAGNOSE`, and the decision log's `DECISIONS`,
 * `FOLLOW_DECISIONS` and `EXPLAIN` (an older worker leaves the requests unanswered, and the
 * library versions differ anyway, which the handshake warns about).
 */
export const PROTOCOL_VERSION = 2

/**
 * Marks every message this library sends (`message.source`), so pages can ignore other workers'
 * messages. An app that listens on `navigator.serviceWorker` without the client checks it first.
 */
export const MESSAGE_SOURCE = 'sw-token-proxy'

/** What `status()` answers: whether there is a session, and when its access token expires. */
export interface SessionStatus {
  /** `true` while there is a session (a login that has not ended); it may still need a renewal. */
  authenticated: boolean
  /** Epoch milliseconds on the worker's clock, or `null` when the token's lifetime is unknown. */
  expiresAt: number | null
  /**
   * Decoded (never verified by this library) claims of the ID token, else of a JWT access token;
   * absent for an opaque token. For display only: never for access decisions.
   *
   * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken OpenID Connect Core 1.0 §2, the ID token
   */
  claims?: Record<string, unknown>
  /**
   * The session clock (Policy 16, docs/behaviour.md), each absent when the session has no such
   * deadline: when the session ends whatever its tabs do (the first of the refresh token's own
   * lifetime, the `session.maxSeconds` ceiling and the provider's `session_expiry`), epoch ms on
   * the worker's clock.
   */
  sessionEndsAt?: number
  /** When the `session.idleSeconds` timeout ends the session if no tab is active before then. */
  idleEndsAt?: number
  /** When every tab hears `session-expiring`: `session.warnBeforeSeconds` before the first end. */
  warnsAt?: number
  /** Present while that warning holds, so a tab opened during it learns what the others heard. */
  expiring?: SessionExpiring
}

/**
 * Which deadline of the session clock ends (or ended) a session:
 * - `idle`: no tab was active for `session.idleSeconds`;
 * - `refresh_token_lifetime`: the refresh token's own lifetime ran out (`refresh_expires_in`,
 *   `refresh_token_expires_in`, or a JWT refresh token's `exp`);
 * - `session_ceiling`: `session.maxSeconds` since the sign-in, or the provider's `session_expiry`.
 */
export type SessionClockReason = 'idle' | 'refresh_token_lifetime' | 'session_ceiling'

/** A session about to end (`session-expiring`, and `status().expiring` while it holds). */
export interface SessionExpiring {
  /** When it ends: epoch ms on the worker's clock. */
  endsAt: number
  /** Whole seconds left when the warning was made. */
  secondsLeft: number
  /** Which deadline ends it. */
  reason: SessionClockReason
}

/**
 * Why a session ended without a logout (`SESSION_EXPIRED`). Any other OAuth error code the
 * refresh endpoint answered (`invalid_client`, `unauthorized_client`…) is passed on as it is.
 * - `invalid_grant`: the refresh token is dead (expired, revoked, reused).
 * - `refresh_rejected`: the refresh endpoint said 400/401 without an OAuth error code.
 * - `no_refresh_token`: the session had no refresh token to renew with.
 * - `configuration_changed`: the worker now refreshes somewhere else than where the session was
 *   issued (another refresh endpoint, OpenID issuer or client, or `dpop` turned on or off).
 * - `idle`, `refresh_token_lifetime`, `session_ceiling`: the session clock ended it
 *   ({@link SessionClockReason}).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 RFC 6749 §5.2, OAuth error codes
 */
export type SessionExpiredReason =
  | 'invalid_grant'
  | 'refresh_rejected'
  | 'no_refresh_token'
  | 'configuration_changed'
  | SessionClockReason
  | (string & {})

/**
 * Why a refresh failed for now (`REFRESH_FAILED`); the session is kept and retried after `retryAt`.
 * `http_<status>` for other statuses (`http_500`, `http_503`…). A `Retry-After` longer than the
 * backoff (up to 10 minutes) sets `retryAt`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 RFC 9110 §10.2.3, `Retry-After`
 */
export type RefreshFailedReason = 'network_error' | 'timeout' | 'rate_limited' | 'malformed_response' | `http_${number}`

/**
 * Broadcasts: worker → every window client of the scope, controlled or not (Policy 8,
 * docs/behaviour.md), by wire type. The client delivers each as the event
 * {@link SESSION_EVENT_NAMES} names; none carries a token.
 */
export interface BroadcastPayloads {
  /** A login stored a new session (a token endpoint's answer, or an OpenID Connect callback). */
  SESSION_STARTED: {
    /** When the new access token expires: epoch ms on the worker's clock, `null` if unknown. */
    expiresAt: number | null
  }
  /** The session's own access token was renewed (Policy 4: once for every tab). */
  SESSION_REFRESHED: {
    /** When the renewed access token expires: epoch ms on the worker's clock, `null` if unknown. */
    expiresAt: number | null
  }
  /** The session ended without a logout (Policies 6 and 10): send the user to log in again. */
  SESSION_EXPIRED: {
    /** Why: the refresh endpoint's OAuth error code, or one of {@link SessionExpiredReason}'s own. */
    reason: SessionExpiredReason
  }
  /** A logout, in this tab or another, ended the session. No payload. */
  SESSION_ENDED: Record<string, never>
  /** A renewal failed for a passing reason (Policy 6); the session and its tokens are kept. */
  REFRESH_FAILED: {
    /** What went wrong: a network error, the timeout, a status (`http_503`), a malformed answer. */
    reason: RefreshFailedReason
    /** Epoch ms on the worker's clock before which no renewal is tried again (the backoff). */
    retryAt: number
  }
  /**
   * An API answered `401` with RFC 9470's `insufficient_user_authentication`: it wants a stronger
   * or more recent authentication than the session's token carries. Sent once per login and
   * requirement; the session goes on, and nothing was refreshed or replayed.
   *
   * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 RFC 9470 §3, the step-up challenge
   */
  STEP_UP_REQUIRED: StepUpRequirement
  /**
   * The session clock (Policy 16): the session ends at `endsAt` unless a tab is active before then
   * (`reason: 'idle'`; `stayActive()` or any API request), or for good (the other reasons). Sent
   * once per deadline, `session.warnBeforeSeconds` before it.
   */
  SESSION_EXPIRING: SessionExpiring
  /**
   * A `session-expiring` warning no longer holds: a tab was active (or a renewal moved the refresh
   * token's lifetime), and these are the session's deadlines now.
   */
  SESSION_EXTENDED: {
    /** As `status().sessionEndsAt`, `null` when there is none. */
    sessionEndsAt: number | null
    /** As `status().idleEndsAt`, `null` when there is none. */
    idleEndsAt: number | null
  }
}

/** The wire type of a broadcast (`'SESSION_EXPIRED'`…), a key of {@link BroadcastPayloads}. */
export type BroadcastType = keyof BroadcastPayloads

/**
 * The one public name of each broadcast: what `proxy.on()` listens for and what the Playwright
 * helpers report. The upper-case types are the wire format only.
 */
export const SESSION_EVENT_NAMES = {
  /** `SESSION_STARTED` is the event `'session-started'`. */
  SESSION_STARTED: 'session-started',
  /** `SESSION_REFRESHED` is the event `'session-refreshed'`. */
  SESSION_REFRESHED: 'session-refreshed',
  /** `SESSION_EXPIRED` is the event `'session-expired'`. */
  SESSION_EXPIRED: 'session-expired',
  /** `SESSION_ENDED` is the event `'session-ended'`. */
  SESSION_ENDED: 'session-ended',
  /** `REFRESH_FAILED` is the event `'refresh-failed'`. */
  REFRESH_FAILED: 'refresh-failed',
  /** `STEP_UP_REQUIRED` is the event `'step-up-required'`. */
  STEP_UP_REQUIRED: 'step-up-required',
  /** `SESSION_EXPIRING` is the event `'session-expiring'`. */
  SESSION_EXPIRING: 'session-expiring',
  /** `SESSION_EXTENDED` is the event `'session-extended'`. */
  SESSION_EXTENDED: 'session-extended',
} as const satisfies Record<BroadcastType, string>

/**
 * A session event's public name (`'session-expired'`…).
 *
 * @inline
 */
export type SessionEventName = (typeof SESSION_EVENT_NAMES)[BroadcastType]

/**
 * A broadcast as it arrives in a page's `navigator.serviceWorker` `message` event, for apps that do
 * not use the client: check `source` and `type`, then read `payload`. Never carries a token.
 */
export type BroadcastMessage = {
  [T in BroadcastType]: {
    /** Always {@link MESSAGE_SOURCE}: ignore messages without it. */
    source: typeof MESSAGE_SOURCE
    /** Which broadcast this is. */
    type: T
    /** What it says, as {@link BroadcastPayloads} describes for its `type`. */
    payload: BroadcastPayloads[T]
  }
}[BroadcastType]

/**
 * Worker → every window client of the scope, when the worker cannot start (its options are
 * invalid): the page console shows why, and a page waiting in `registerTokenProxy()` rejects with
 * this error instead of timing out. The worker fails its install right after sending it.
 */
export interface WorkerErrorMessage {
  source: typeof MESSAGE_SOURCE
  type: 'WORKER_ERROR'
  payload: { error: SerializedError }
}

/**
 * Worker → the windows that follow the decision log (or every window, with the worker option
 * `debug: true`): the decisions since the last such message, oldest first. Never carries a token.
 */
export interface DecisionsMessage {
  source: typeof MESSAGE_SOURCE
  type: 'DECISIONS'
  payload: { decisions: TokenProxyDecision[] }
}

/** Requests: page → worker, each over its own MessageChannel, each answered exactly once. */
export interface RequestPayloads {
  HANDSHAKE: { protocolVersion: number; clientVersion: string }
  CLAIM: Record<string, never>
  STATUS: Record<string, never>
  /**
   * `endSession` (OpenID Connect RP-Initiated Logout): also end the provider's session, coming back
   * to `postLogoutRedirectUri` (one of the worker's `oidc.postLogoutRedirectUri`).
   */
  LOGOUT: { endSession?: { postLogoutRedirectUri?: string } }
  /** RP-Initiated Logout: the page the provider sent the browser back to, with its `state`. */
  COMPLETE_LOGOUT: { callbackUrl: string }
  /**
   * OpenID Connect: start an authorization code + PKCE sign-in; `returnTo` is where to land after,
   * `acrValues` and `maxAge` what to ask the provider for (a step-up, RFC 9470).
   */
  SIGN_IN: SignInOptions
  /** OpenID Connect: the callback page's URL (with `code` and `state`), for the worker to redeem. */
  COMPLETE_SIGN_IN: { callbackUrl: string }
  /** The session clock: the user is here (`stayActive()`, or reported input); resets the idle timeout. */
  STAY_ACTIVE: Record<string, never>
  /** The setup check (`proxy.diagnose()`): what the worker knows of its own setup. */
  DIAGNOSE: Record<string, never>
  /** The decision log: this tab follows it (`on`), or no longer does. */
  FOLLOW_DECISIONS: { on: boolean }
  /** `explain()`: what the worker would do with this request. `authorization`: whether it has its own. */
  EXPLAIN: { url: string; method: string; mode: ExplainedMode; authorization: boolean }
}

export interface ReplyPayloads {
  HANDSHAKE: { protocolVersion: number; workerVersion: string }
  CLAIM: { claimed: true }
  STATUS: SessionStatus
  /**
   * `endSessionUrl`, with `endSession`: a page of this origin that the worker answers with the
   * redirect to the provider. The page navigates there; it never sees the ID token it carries.
   */
  LOGOUT: { loggedOut: true; endSessionUrl?: string }
  /** Whether the `state` is one a logout of this worker sent to the provider. */
  COMPLETE_LOGOUT: { endedAtProvider: boolean }
  /** The provider's authorization URL: the page navigates there. It holds no secret. */
  SIGN_IN: { url: string }
  COMPLETE_SIGN_IN: { returnTo: string | null }
  /** The session's status after the activity was counted. */
  STAY_ACTIVE: SessionStatus
  DIAGNOSE: WorkerFindings
  FOLLOW_DECISIONS: { following: boolean }
  EXPLAIN: TokenProxyExplanation
}

/**
 * What the worker knows of its own setup, for the page's setup check (`proxy.diagnose()`): facts
 * only, which the page puts into words. In the worker's memory, so a worker that stopped (idle)
 * starts afresh. No token, no header value, no query string.
 */
export interface WorkerFindings {
  /** The `api` prefixes, as URLs (`https://app.example/api/`). */
  api: string[]
  /** The browser refused the static routes (Policy 12) at install: its words. */
  staticRoutesRefused?: string | undefined
  /** Workbox: the `api` prefixes whose requests an app route registered before the proxy's takes, and for which methods. */
  shadowed?: { prefix: string; methods: string[] }[] | undefined
  /** Origins of `api` prefixes that answered a `401` whose `WWW-Authenticate` CORS hid from the worker. */
  unexposed?: string[] | undefined
  /**
   * OpenID Connect: the discovery document of `issuer` could not be fetched (`detail`: why), or it
   * names another issuer (`named`).
   */
  issuer?: { issuer: string; named?: string; detail?: string } | undefined
}

export type RequestType = keyof RequestPayloads

export type RequestMessage = {
  [T in RequestType]: { source: typeof MESSAGE_SOURCE; type: T; payload: RequestPayloads[T] }
}[RequestType]

export type Reply<T extends RequestType> =
  { ok: true; payload: ReplyPayloads[T] } | { ok: false; error: SerializedError }

const BROADCAST_TYPES: ReadonlySet<string> = new Set<BroadcastType>([
  'SESSION_STARTED',
  'SESSION_REFRESHED',
  'SESSION_EXPIRED',
  'SESSION_ENDED',
  'REFRESH_FAILED',
  'STEP_UP_REQUIRED',
  'SESSION_EXPIRING',
  'SESSION_EXTENDED',
])

const REQUEST_TYPES: ReadonlySet<string> = new Set<RequestType>([
  'HANDSHAKE',
  'CLAIM',
  'STATUS',
  'LOGOUT',
  'COMPLETE_LOGOUT',
  'SIGN_IN',
  'COMPLETE_SIGN_IN',
  'STAY_ACTIVE',
  'DIAGNOSE',
  'FOLLOW_DECISIONS',
  'EXPLAIN',
])

function isTaggedObject(value: unknown): value is { source: unknown; type: unknown; payload: unknown } {
  return typeof value === 'object' && value !== null && (value as { source?: unknown }).source === MESSAGE_SOURCE
}

export function isBroadcastMessage(value: unknown): value is BroadcastMessage {
  return (
    isTaggedObject(value) &&
    typeof value.type === 'string' &&
    BROADCAST_TYPES.has(value.type) &&
    typeof value.payload === 'object' &&
    value.payload !== null &&
    // What a page may pass on to signIn() as it is must be well-formed.
    (value.type !== 'STEP_UP_REQUIRED' || isStepUpRequirement(value.payload))
  )
}

export function isWorkerErrorMessage(value: unknown): value is WorkerErrorMessage {
  if (
    !isTaggedObject(value) ||
    value.type !== 'WORKER_ERROR' ||
    typeof value.payload !== 'object' ||
    value.payload === null
  )
    return false
  return isSerializedError((value.payload as { error?: unknown }).error)
}

export function isDecisionsMessage(value: unknown): value is DecisionsMessage {
  return (
    isTaggedObject(value) &&
    value.type === 'DECISIONS' &&
    Array.isArray((value.payload as { decisions?: unknown } | null)?.decisions)
  )
}

export function isRequestMessage(value: unknown): value is RequestMessage {
  return isTaggedObject(value) && typeof value.type === 'string' && REQUEST_TYPES.has(value.type)
}
