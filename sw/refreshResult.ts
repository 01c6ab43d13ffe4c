import { TokenProxyError } from '../protocol/errors.js'
import type { RefreshFailedReason, SessionExpiredReason } from '../protocol/messages.js'
import type { TokenSet } from './parseTokenResponse.js'

/**
 * What a refresh request came back with (Policy 6), in the words the refresher answers its callers
 * with. `ended`: the server said the refresh token is dead (400/401), so the session is over.
 * `failed`: anything else (network, timeout, 5xx, 429, a 2xx that is not a valid token response);
 * the stored tokens must be kept byte-identical and the refresh retried later.
 */
export type RefreshResult =
  | { kind: 'renewed'; tokens: TokenSet }
  | { kind: 'ended'; reason: SessionExpiredReason }
  | { kind: 'failed'; reason: RefreshFailedReason; retryAfterMs: number | undefined; error?: TokenProxyError }

/** OAuth error codes are short ASCII words; anything else from the server is not repeated. */
const SAFE_ERROR_CODE = /^[A-Za-z0-9_.-]{1,64}$/

/** The server's OAuth error code if it is safe to repeat in a message or a broadcast. */
export function safeErrorCode(code: unknown): string | undefined {
  return typeof code === 'string' && SAFE_ERROR_CODE.test(code) ? code : undefined
}

/**
 * A refresh request that never got an answer: offline, refused, or past its timeout. The timeout
 * is read from the request's own signal, not from the error: Chromium rejects with a
 * `TimeoutError`, but Firefox and WebKit reject with an `AbortError` whatever the signal's reason.
 */
export function unanswered(signal: AbortSignal): RefreshResult {
  const timedOut = signal.aborted && (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError'
  return { kind: 'failed', reason: timedOut ? 'timeout' : 'network_error', retryAfterMs: undefined }
}

/**
 * Policy 6 by status alone: 2xx (read the tokens) and 400/401 (read the refusal) answer
 * `undefined`; any other status is a passing failure, retried after `Retry-After` if given.
 */
export async function failureByStatus(response: Response): Promise<RefreshResult | undefined> {
  if (response.ok || response.status === 400 || response.status === 401) return undefined
  await response.body?.cancel()
  return {
    kind: 'failed',
    reason: response.status === 429 ? 'rate_limited' : `http_${response.status}`,
    retryAfterMs: retryAfterOf(response),
  }
}

/** A 2xx that is not a valid token response: kept tokens, retried later. */
export function malformed(error: unknown): RefreshResult {
  return {
    kind: 'failed',
    reason: 'malformed_response',
    retryAfterMs: undefined,
    ...(error instanceof TokenProxyError && { error }),
  }
}

/**
 * How long the server asked us to wait. An HTTP date is read against the response's own `Date`
 * (the server's clock against itself, as with a token's `exp − iat`), never the device's clock,
 * which may be minutes off; without a `Date` header only the seconds form is read.
 */
function retryAfterOf(response: Response): number | undefined {
  const header = response.headers.get('Retry-After')
  const sentAt = Date.parse(response.headers.get('Date') ?? '')
  if (!Number.isNaN(sentAt)) return parseRetryAfter(header, sentAt)
  return header !== null && /^\s*\d+\s*$/.test(header) ? parseRetryAfter(header, 0) : undefined
}

/** `Retry-After` as seconds or an HTTP date, read at `now`; `undefined` when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
