import { ErrorCode, TokenProxyError, formatMessage } from '../protocol/errors.js'
import { parseTokenResponse, withoutTokenFields } from './parseTokenResponse.js'
import { readJsonWithin } from './readBodyWithin.js'
import type { DpopSupport } from './dpopPlugin.js'
import { startSession, type StartSessionContext } from './startSession.js'

export interface CaptureContext extends StartSessionContext {
  fetch: typeof fetch
  responseLimitBytes: number
  warn: (message: string) => void
  /** DPoP, with `dpop: true`: proves the login request with the new session's key. */
  dpop?: DpopSupport | undefined
}

/**
 * Sends a request to a token endpoint (login, OAuth `/token`) as the page made it, keeps the
 * tokens of a 2xx answer, and gives the page the same answer with the token fields removed.
 * Error answers carry no tokens and pass through unchanged.
 */
export async function captureTokenResponse(request: Request, context: CaptureContext): Promise<Response> {
  // DPoP: the new session's key is made before the login request goes out, and proves it.
  const dpopKey = await context.dpop?.newKey()
  const response = dpopKey ? await context.dpop!.sendCopyOf(request, dpopKey) : await context.fetch(request)
  if (!response.ok) return response

  let body: Record<string, unknown>
  let tokens
  try {
    const json = await readJsonWithin(response, context.responseLimitBytes)
    tokens = parseTokenResponse(json, { acceptDpop: dpopKey !== undefined })
    body = json as Record<string, unknown>
  } catch (cause) {
    const error =
      cause instanceof TokenProxyError
        ? cause
        : new TokenProxyError(
            ErrorCode.INVALID_TOKEN_RESPONSE,
            formatMessage(
              'accept the token response',
              cause instanceof RangeError ? cause.message : 'the body is not JSON',
              'The stored session was left as it was; fix the token endpoint to answer with a JSON token response',
            ),
          )
    context.warn(error.message)
    // The page must not receive a body that may hold tokens, so it gets the error instead.
    return Response.json(
      { error: 'invalid_token_response', error_description: error.message, code: error.code },
      { status: 502 },
    )
  }

  await startSession(tokens, context, dpopKey)

  const headers = new Headers(response.headers)
  headers.delete('Content-Length')
  headers.delete('Content-Encoding')
  return Response.json(withoutTokenFields(body), { status: response.status, statusText: response.statusText, headers })
}
