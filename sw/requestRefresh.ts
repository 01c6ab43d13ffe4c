import { parseTokenResponse } from './parseTokenResponse.js'
import { readJsonWithin } from './readBodyWithin.js'
import { failureByStatus, malformed, safeErrorCode, unanswered, type RefreshResult } from './refreshResult.js'
import { targetParameters, type TokenTarget } from './tokenTarget.js'

export interface RefreshEndpoint {
  url: URL
  /** `oauth2`: form-encoded `grant_type=refresh_token` with `client_id`; `json`: `{ "refresh_token": … }`. */
  format: 'oauth2' | 'json'
  clientId: string | undefined
  timeoutMs: number
  responseLimitBytes: number
  /** DPoP (Policy 14): accept `token_type: DPoP` (set by `refreshWithDpop`, which sends the proof). */
  acceptDpop?: boolean
}

/**
 * One use of the refresh token at the app's refresh endpoint. With a `target` (Policy 11) the
 * request also carries its `resource` (RFC 8707), `audience` and `scope`, in either format, and
 * the answer is that API's access token.
 */
export async function requestRefresh(
  fetchFn: typeof fetch,
  endpoint: RefreshEndpoint,
  refreshToken: string,
  target?: TokenTarget,
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
      body: refreshRequestBody(endpoint, refreshToken, target),
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
    return {
      kind: 'renewed',
      tokens: parseTokenResponse(await readJsonWithin(response, endpoint.responseLimitBytes), {
        acceptDpop: endpoint.acceptDpop === true,
      }),
    }
  } catch (error) {
    return malformed(error)
  }
}

function refreshRequestBody(endpoint: RefreshEndpoint, refreshToken: string, target: TokenTarget | undefined): string {
  const parameters = targetParameters(target)
  if (endpoint.format === 'json') return JSON.stringify({ refresh_token: refreshToken, ...parameters })
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken })
  if (endpoint.clientId !== undefined) form.set('client_id', endpoint.clientId)
  for (const [name, value] of Object.entries(parameters)) form.set(name, value)
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
