import { parseTokenResponse } from './parseTokenResponse.js'
import { readJsonWithin } from './readBodyWithin.js'
import { failureByStatus, malformed, safeErrorCode, unanswered, type RefreshResult } from './refreshResult.js'

export interface RefreshEndpoint {
  url: URL
  /** `oauth2`: form-encoded `grant_type=refresh_token` with `client_id`; `json`: `{ "refresh_token": … }`. */
  format: 'oauth2' | 'json'
  clientId: string | undefined
  timeoutMs: number
  responseLimitBytes: number
  /** DPoP (issue 15): accept `token_type: DPoP` (set by `refreshWithDpop`, which sends the proof). */
  acceptDpop?: boolean
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
  if (!response.ok) return { kind: 'ended', reason: await readOAuthError(response, endpoint.responseLimitBytes) }
  try {
    return { kind: 'renewed', tokens: parseTokenResponse(await readJsonWithin(response, endpoint.responseLimitBytes), { acceptDpop: endpoint.acceptDpop === true }) }
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
