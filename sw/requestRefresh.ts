import { TokenProxyError } from '../protocol/errors.js'
import { parseTokenResponse, type TokenSet } from './parseTokenResponse.js'
import { readJsonWithin } from './readJsonWithin.js'

export interface RefreshEndpoint {
  url: URL
  /** `oauth2`: form-encoded `grant_type=refresh_token` with `client_id`; `json`: `{ "refresh_token": … }`. */
  format: 'oauth2' | 'json'
  clientId: string | undefined
  timeoutMs: number
  responseLimitBytes: number
}

/**
 * Policy 6. `terminal`: the server said the refresh token is dead (400/401), so the session is
 * over. `transient`: anything else (network, timeout, 5xx, 429, a 2xx that is not a valid token
 * response); the stored tokens must be kept byte-identical and the refresh retried later.
 */
export type RefreshResult =
  | { kind: 'renewed'; tokens: TokenSet }
  | { kind: 'terminal'; reason: string }
  | { kind: 'transient'; reason: string; retryAfterMs: number | undefined; error?: TokenProxyError }

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
  return { kind: 'transient', reason: timedOut ? 'timeout' : 'network_error', retryAfterMs: undefined }
}

/**
 * Policy 6 by status alone: 2xx (read the tokens) and 400/401 (read the refusal) answer
 * `undefined`; any other status is a passing failure, retried after `Retry-After` if given.
 */
export async function failureByStatus(response: Response): Promise<RefreshResult | undefined> {
  if (response.ok || response.status === 400 || response.status === 401) return undefined
  await response.body?.cancel()
  return {
    kind: 'transient',
    reason: response.status === 429 ? 'rate_limited' : `http_${response.status}`,
    retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), Date.now()),
  }
}

/** A 2xx that is not a valid token response: kept tokens, retried later. */
export function malformed(error: unknown): RefreshResult {
  return { kind: 'transient', reason: 'malformed_response', retryAfterMs: undefined, ...(error instanceof TokenProxyError && { error }) }
}

export async function requestRefresh(
  fetchFn: typeof fetch,
  endpoint: RefreshEndpoint,
  refreshToken: string,
): Promise<RefreshResult> {
  let response: Response
  const signal = AbortSignal.timeout(endpoint.timeoutMs)
  try {
    response = await fetchFn(endpoint.url, {
      method: 'POST',
      headers: {
        'Content-Type': endpoint.format === 'oauth2' ? 'application/x-www-form-urlencoded' : 'application/json',
        Accept: 'application/json',
      },
      body: refreshRequestBody(endpoint, refreshToken),
      cache: 'no-store',
      credentials: 'same-origin',
      // Deliberately not the triggering request's signal: a tab that closes must not cancel the
      // refresh every other tab is waiting for.
      signal,
    })
  } catch {
    return unanswered(signal)
  }

  const failure = await failureByStatus(response)
  if (failure) return failure
  if (!response.ok) return { kind: 'terminal', reason: await readOAuthError(response, endpoint.responseLimitBytes) }
  try {
    return { kind: 'renewed', tokens: parseTokenResponse(await readJsonWithin(response, endpoint.responseLimitBytes)) }
  } catch (error) {
    return malformed(error)
  }
}

function refreshRequestBody(endpoint: RefreshEndpoint, refreshToken: string): string {
  if (endpoint.format === 'json') return JSON.stringify({ refresh_token: refreshToken })
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken })
  if (endpoint.clientId !== undefined) form.set('client_id', endpoint.clientId)
  return form.toString()
}

async function readOAuthError(response: Response, limitBytes: number): Promise<string> {
  try {
    const body = await readJsonWithin(response, limitBytes)
    const code = safeErrorCode((body as { error?: unknown } | null)?.error)
    if (code) return code
  } catch {
    // Not JSON: the status alone says the token was refused.
  }
  return 'refresh_rejected'
}

/** `Retry-After` as seconds or an HTTP date; `undefined` when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
