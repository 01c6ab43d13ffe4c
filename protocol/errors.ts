/**
 * Stable error codes. The code never changes for a given failure; the message may be reworded.
 * Errors cross the page/worker boundary as `{ code, message }` data, never as thrown objects.
 */
export const ErrorCode = {
  /**
   * A token endpoint answered 2xx with something that is not a valid token response; the stored
   * tokens were kept.
   *
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1 RFC 6749 §5.1, the token response
   */
  INVALID_TOKEN_RESPONSE: 'ERR_INVALID_TOKEN_RESPONSE',
  /** The worker did not answer a page's message in time. */
  REPLY_TIMEOUT: 'ERR_REPLY_TIMEOUT',
  /** The page's client and the worker script come from different versions of this library. */
  PROTOCOL_MISMATCH: 'ERR_PROTOCOL_MISMATCH',
  /**
   * `installTokenProxy`, `registerTokenProxy` or `signIn` was given options it cannot work with
   * (or `signIn` was called on a worker without OpenID Connect).
   */
  INVALID_OPTIONS: 'ERR_INVALID_OPTIONS',
  /** The token store (IndexedDB) failed to read or write. */
  STORAGE_FAILED: 'ERR_STORAGE_FAILED',
  /** The worker failed in a way it did not expect (a bug): its console says more. */
  WORKER_FAILED: 'ERR_WORKER_FAILED',
  /** An OpenID Connect sign-in could not be started or completed. */
  SIGN_IN_FAILED: 'ERR_SIGN_IN_FAILED',
  /**
   * This browser cannot run the proxy here: no service worker or no IndexedDB (an insecure
   * context, a private window, Lockdown Mode, a policy), or it blocked the registration.
   */
  UNSUPPORTED: 'ERR_UNSUPPORTED',
  /** The worker script could not be registered or installed: a 404, a script that throws, bad options. */
  REGISTRATION_FAILED: 'ERR_REGISTRATION_FAILED',
  /**
   * `openAuthenticatedWebSocket` got no ticket: the ticket request failed or was refused (a 401
   * once the session is over), or the answer held no `ticket`.
   */
  WEBSOCKET_TICKET: 'ERR_WEBSOCKET_TICKET',
  /** `openAuthenticatedWebSocket` had a ticket, but the socket closed before it opened (the server refused it). */
  WEBSOCKET_REFUSED: 'ERR_WEBSOCKET_REFUSED',
} as const

/**
 * One of the {@link ErrorCode} values (`'ERR_STORAGE_FAILED'`…): what a {@link TokenProxyError}'s
 * `code` holds. Compare against it, never against the message, which may be reworded.
 */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/**
 * Why a sign-in failed: the `reason` of an `ERR_SIGN_IN_FAILED` error. Stable, unlike the message,
 * so an app can tell "you cancelled" from "misconfigured".
 * - The provider's own error codes, as it answered them
 *   ({@link https://openid.net/specs/openid-connect-core-1_0.html#AuthError | OpenID Connect Core §3.1.2.6},
 *   {@link https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1 | RFC 6749 §4.1.2.1},
 *   {@link https://www.rfc-editor.org/rfc/rfc6749#section-5.2 | §5.2}): `access_denied` (the user
 *   cancelled or refused), `login_required`, `consent_required`, `interaction_required`,
 *   `account_selection_required`, `invalid_request`, `unauthorized_client`, `invalid_scope`,
 *   `invalid_grant`, `server_error`, `temporarily_unavailable`, and any other code it sends (at
 *   the callback, the token endpoint, or the pushed authorization request endpoint, RFC 9126).
 * - `state_mismatch`: the callback answers no sign-in in progress (an unknown, expired or used
 *   `state`: a second tab's callback, a reload of the callback page, a forged link).
 * - `not_redirect_uri`: `completeSignIn()` ran on a page other than the configured `redirectUri`.
 * - `no_callback`: a page asked to complete a sign-in without a callback URL.
 * - `configuration_changed`: the sign-in was begun by a worker configured for another provider,
 *   client or DPoP setting (the worker was updated while the user was at the provider).
 * - `provider_unreachable`: the provider's discovery document, pushed authorization request
 *   endpoint or token endpoint did not answer (offline, refused, past `oidc.timeoutMs`).
 * - `provider_misconfigured`: the provider's metadata lacks what a sign-in needs
 *   (`authorization_endpoint`; `pushed_authorization_request_endpoint` when
 *   `oidc.pushedAuthorizationRequests` is `true` or the provider requires PAR).
 * - `invalid_response`: the provider answered, but its answer did not validate (the ID token,
 *   its `nonce`, `iss` or `auth_time`; a pushed authorization response without `request_uri`).
 */
export type SignInFailureReason =
  | 'access_denied'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'account_selection_required'
  | 'invalid_request'
  | 'state_mismatch'
  | 'not_redirect_uri'
  | 'no_callback'
  | 'configuration_changed'
  | 'provider_unreachable'
  | 'provider_misconfigured'
  | 'invalid_response'
  | (string & {})

/**
 * The shape in which an error crosses between worker and page (`error.toJSON()`), and what
 * {@link TokenProxyError.fromJSON} turns back into an error.
 */
export interface SerializedError {
  /** The stable code: branch on this. */
  code: ErrorCode
  /** The sentence to log: what failed, why, and what to do. Never contains a token. */
  message: string
  /** Why, in a stable word: see {@link TokenProxyError.reason}. */
  reason?: string
}

/**
 * The one error class of this library. `message` reads
 * `[sw-token-proxy] Failed to <do what>: <why>. <what to do>.` and never contains a token.
 *
 * @example
 * ```ts
 * try {
 *   await proxy.logout()
 * } catch (error) {
 *   if (error instanceof TokenProxyError && error.code === 'ERR_REPLY_TIMEOUT') retryLater()
 * }
 * ```
 */
export class TokenProxyError extends Error {
  /** `'TokenProxyError'` (or a subclass's own name), for logs and `error.name` checks. */
  override name = 'TokenProxyError'
  /** The stable code of the failure, one of {@link ErrorCode}: branch on this, not on `message`. */
  readonly code: ErrorCode
  /**
   * Why, in a stable word, for the codes that have one: `ERR_SIGN_IN_FAILED`
   * ({@link SignInFailureReason}) and `ERR_UNSUPPORTED` (the client's `UnsupportedReason`). Match
   * on this, never on the message, which may be reworded.
   */
  readonly reason?: string

  /**
   * @param code - The failure's stable code.
   * @param message - The one-sentence message (what failed, why, what to do); never a token.
   * @param options - `cause`: the underlying error, as with `Error`; `reason`: see {@link TokenProxyError.reason}.
   */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; reason?: string }) {
    super(message, options)
    this.code = code
    if (options?.reason !== undefined) this.reason = options.reason
  }

  /** The error as data (`{ code, message, reason? }`), for `postMessage` or a log; the cause is left out. */
  toJSON(): SerializedError {
    return { code: this.code, message: this.message, ...(this.reason !== undefined && { reason: this.reason }) }
  }

  /** The error again from {@link TokenProxyError.toJSON}'s data, for example from a worker's reply. */
  static fromJSON(data: SerializedError): TokenProxyError {
    return new TokenProxyError(data.code, data.message, typeof data.reason === 'string' ? { reason: data.reason } : {})
  }
}

/** Builds the one-sentence message format every error of this library uses. */
export function formatMessage(action: string, reason: string, remedy: string): string {
  const sentence = (text: string) => text.trim().replace(/\.+$/, '')
  return `[sw-token-proxy] Failed to ${action}: ${sentence(reason)}. ${sentence(remedy)}.`
}

export function isSerializedError(value: unknown): value is SerializedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SerializedError).code === 'string' &&
    (value as SerializedError).code.startsWith('ERR_') &&
    typeof (value as SerializedError).message === 'string'
  )
}
