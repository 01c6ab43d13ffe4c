/**
 * The decision log: what the worker decided, and why, as typed events (`proxy.on('decision')`,
 * and one console line each with `registerTokenProxy({ debug: true })`), and what `explain()`
 * answers. No event and no explanation ever carries a token or a header's value: they name the
 * `api` entry and the token by what it is for, and say how many seconds it has left.
 *
 * A request's `url` is its path and query on the app's own origin, its whole URL elsewhere. A
 * token is named `'session'` (the login's own access token) or by its `api` entry's target
 * (`'resource=…&audience=…&scope=…'`, Policy 11); an `api` entry by its prefix (`'/api/'`, or
 * `'https://api.example.com/v1/'` on another origin).
 */

/**
 * Why the worker left a request alone, to go out exactly as the page made it (Policy 1):
 * - `navigation`: a navigation never gets a token (another site can start one);
 * - `no-cors`: a `no-cors` request (an `<img>`, a `<script>`) never gets one;
 * - `own-authorization`: the request carries its own `Authorization`, passed through untouched;
 * - `not-on-a-prefix`: its URL is on no `api` prefix (nor a token or logout endpoint).
 */
export type PassReason = 'navigation' | 'no-cors' | 'own-authorization' | 'not-on-a-prefix'

/**
 * Why a URL is not on the nearest `api` prefix: another origin, a path outside it (`/v1/api/x`
 * for `/api/`), or a path that starts with the prefix but not on a segment boundary (`/apix`).
 */
export type OffPrefixReason = 'other-origin' | 'outside-path' | 'segment-boundary'

/** The request modes `explain()` takes (a page's `fetch()` defaults to `'cors'`). */
export type ExplainedMode = 'cors' | 'same-origin' | 'no-cors' | 'navigate'

/** What the worker does with a request it takes: the role its one matching step gave it. */
export type RequestRole = 'api' | 'token-endpoint' | 'logout' | 'end-session'

/** Which request a decision is about: what every per-request decision starts with. */
export interface DecidedRequest {
  /** When the worker decided: epoch ms on its clock. */
  at: number
  /** The request's method (`GET`, `POST`…). */
  method: string
  /** Its path and query on the app's origin, its whole URL elsewhere. */
  url: string
}

/** The nearest `api` prefix to a URL on none, and why the URL is not on it. */
export interface NearestPrefix {
  /** The `api` entry's prefix (`/api/`, or the whole prefix on another origin). */
  api: string
  /** Why the URL is not on it. */
  why: OffPrefixReason
}

/**
 * The worker took a request for a token endpoint, the logout endpoint or the end-session page. An
 * API request's decision is its {@link TokenDecision} (or {@link NoTokenDecision}): which `api`
 * entry matched (the longest, Policy 11), and the token it went out with.
 */
export interface RequestDecision extends DecidedRequest {
  /** Always `'request'`. */
  type: 'request'
  /** What the request is to the worker. */
  role: Exclude<RequestRole, 'api'>
}

/** The worker left a request alone (Policy 1): it goes out as the page made it, without a token. */
export interface PassedDecision extends DecidedRequest {
  /** Always `'passed'`. */
  type: 'passed'
  /** Why. */
  why: PassReason
  /** With `not-on-a-prefix`: the nearest `api` prefix, and why the URL is not on it. */
  nearest?: NearestPrefix
}

/** An API request: the `api` entry that matched (the longest, Policy 11), and the token it goes out with, after any renewal. */
export interface TokenDecision extends DecidedRequest {
  /** Always `'token'`. */
  type: 'token'
  /** The `api` entry the request is on. */
  api: string
  /** Which token: `'session'`, or the entry's target. */
  token: string
  /** Whole seconds before it expires on the worker's clock; `null` when its lifetime is unknown. */
  secondsLeft: number | null
}

/** An API request, and why it goes out without a token. */
export interface NoTokenDecision extends DecidedRequest {
  /** Always `'no-token'`. */
  type: 'no-token'
  /** The `api` entry the request is on. */
  api: string
  /**
   * `no-session`: there is no session; `session-ended`: it ended while the request waited for a
   * renewal; `none-minted`: no token could be minted for the entry's API.
   */
  why: 'no-session' | 'session-ended' | 'none-minted'
}

/**
 * A renewal of a token: `started` by a request, or `joined` (one was already under way for the
 * same token, Policy 4: the request waits for it instead of refreshing again).
 */
export interface RenewalDecision {
  /** When the worker decided: epoch ms on its clock. */
  at: number
  /** Always `'renewal'`. */
  type: 'renewal'
  /** Which token: `'session'`, or an `api` entry's target. */
  token: string
  /** Whether this request started the renewal or joined one under way. */
  phase: 'started' | 'joined'
}

/** A renewal is over. */
export interface RenewedDecision {
  /** When it ended: epoch ms on the worker's clock. */
  at: number
  /** Always `'renewed'`. */
  type: 'renewed'
  /** Which token: `'session'`, or an `api` entry's target. */
  token: string
  /** `renewed`; `ended` (the session is over); `failed` for now (the tokens kept, retried later). */
  outcome: 'renewed' | 'ended' | 'failed'
  /** For `ended` and `failed`: why (`invalid_grant`, `network_error`, `backing_off`…). */
  reason?: string
  /** How many requests shared it (the one that started it and those that joined). */
  requests: number
  /** How long it waited for the refresh lock (and this worker's earlier renewals), in ms. */
  lockMs: number
  /** How long it took in all, in ms. */
  ms: number
}

/**
 * An API answered `401`, and what it means for the token (Policy 5): `renew` (renew if needed, and
 * replay once), `step-up` (RFC 9470: a new sign-in, no refresh), or `pass` (the page gets it as it came).
 */
export interface UnauthorizedDecision extends DecidedRequest {
  /** Always `'unauthorized'`. */
  type: 'unauthorized'
  /** What the worker does about it. */
  verdict: 'renew' | 'step-up' | 'pass'
  /** The `WWW-Authenticate` error code (`invalid_token`, `insufficient_scope`…), when it named one. */
  error?: string
  /**
   * Why a `pass`: `redirected` (the 401 came from a page the request was redirected to),
   * `not-replayable` (a body over `replayBodyLimitBytes`), `error` (an error a new token cannot fix).
   */
  why?: 'redirected' | 'not-replayable' | 'error'
}

/** After a `401` with the verdict `renew`: replayed once with a renewed token, or not. */
export interface ReplayDecision extends DecidedRequest {
  /** Always `'replay'`. */
  type: 'replay'
  /** Whether the request was sent again. */
  replayed: boolean
  /** With `replayed`: the replay's status. */
  status?: number
  /**
   * Without: `login-gone` (its login ended meanwhile), `refused-after-renewal` (this token was
   * refused right after its renewal), `not-renewed` (the renewal did not give a new token).
   */
  why?: 'login-gone' | 'refused-after-renewal' | 'not-renewed'
}

/** RFC 9470: an API asked for a step-up. */
export interface StepUpDecision {
  /** When the worker decided: epoch ms on its clock. */
  at: number
  /** Always `'step-up'`. */
  type: 'step-up'
  /** The ACR values the API asked for. */
  acrValues?: string
  /** The `max_age` it asked for, in seconds. */
  maxAge?: number
  /** Whether every tab was told now (the first time for this login and requirement). */
  told: boolean
}

/** A logout: through the logout endpoint's request or `proxy.logout()`. */
export interface LogoutDecision {
  /** When the worker decided: epoch ms on its clock. */
  at: number
  /** Always `'logout'`. */
  type: 'logout'
  /** Whether there was a session to end. */
  ended: boolean
}

/** The session ended without a logout: a refused refresh, the session clock, a configuration change. */
export interface SessionEndDecision {
  /** When: epoch ms on the worker's clock. */
  at: number
  /** Always `'session-end'`. */
  type: 'session-end'
  /** As `session-expired`'s `reason`. */
  reason: string
}

/** One decision of the worker, narrowed by its `type`. None carries a token. */
export type TokenProxyDecision =
  | RequestDecision
  | PassedDecision
  | TokenDecision
  | NoTokenDecision
  | RenewalDecision
  | RenewedDecision
  | UnauthorizedDecision
  | ReplayDecision
  | StepUpDecision
  | LogoutDecision
  | SessionEndDecision

/** The type of a decision (`'request'`, `'renewal'`…). */
export type TokenProxyDecisionType = TokenProxyDecision['type']

/**
 * What `proxy.explain(url, init)` answers: what the worker would do with that request, and why,
 * decided by the same matching step as a real request. Never holds a token.
 */
export interface TokenProxyExplanation {
  /** The URL asked about, as in a decision (path and query on the app's origin). */
  url: string
  /** The method asked about (`GET` by default). */
  method: string
  /** The request's mode (`fetch()`'s default is `'cors'`). */
  mode: ExplainedMode
  /** The role the worker gives it, or `'passed'`: it goes out as the page made it. */
  role: RequestRole | 'passed'
  /** With `role: 'passed'`: why. */
  why?: PassReason
  /** The `api` entry whose prefix the URL is on (the longest), even when the request passes. */
  api?: string
  /** When the URL is on no prefix: the nearest one, and why the URL is not on it. */
  nearest?: NearestPrefix
  /**
   * `addTokenProxyRoutes()`: `'app-route'` when a Workbox route the app registered before the
   * proxy's takes a request of this method to this URL, so the proxy never sees it: it goes out as
   * that route sends it, without the token (`attachesToken: false`, no `token`), though `role` is
   * the one the proxy would give it. Absent when the proxy's route gets it, for a request that
   * passes, and with `installTokenProxy()`, which has no router.
   */
  takenBy?: 'app-route'
  /** Whether the request would go out with a token (when the session has one). */
  attachesToken: boolean
  /** With a token: which one, whether the session holds it now, and its seconds left. */
  token?: {
    /** `'session'`, or the `api` entry's target. */
    for: string
    /** Whether the session holds that token now (an API's own is minted on its first request). */
    held: boolean
    /** Whole seconds left on the worker's clock, `null` when unknown or not held. */
    secondsLeft: number | null
  }
  /**
   * What the static routes `installTokenProxy()` declares (Policy 12, Chromium 123+) do with it:
   * `'network'`, straight to the network without the worker, or `'fetch-event'`, to the worker.
   * Absent where the worker cannot evaluate them (no `URLPattern`). `addTokenProxyRoutes()`
   * declares none: there every request in scope reaches the worker.
   */
  staticRoute?: 'network' | 'fetch-event'
}
