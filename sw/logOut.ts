import { formatMessage } from '../protocol/errors.js'
import type { Broadcast } from './broadcast.js'
import type { SessionTokens, TokenStore } from './tokenStore.js'
import type { DpopSender } from './dpop/DpopSender.js'

export interface LogOutContext {
  store: TokenStore
  broadcast: Broadcast
  fetch: typeof fetch
  warn: (message: string) => void
  /** What this worker refreshes with: only a session it issued has its tokens sent anywhere. */
  issuedBy: string
  /** Revokes the session at the OpenID provider (RFC 7009), where there is one. */
  revoke: ((tokens: SessionTokens) => Promise<unknown>) | undefined
  /** DPoP (issue 15): the ended session's key, still in memory, proves this one last request. */
  dpop?: DpopSender | undefined
}

/**
 * Logout, from an intercepted request to the logout endpoint or from `proxy.logout()`: both come
 * here. The session is cleared in IndexedDB and every tab told **before** anything goes to the
 * network, so a browser closed or crashed mid-logout comes back logged out; the access token is
 * kept in memory only to send this one logout request (and the revocation). Whatever the server
 * answers, or if it is unreachable, the session stays over: the user asked to leave.
 *
 * Answers the logout endpoint's response, or `undefined` when there is no request to send.
 */
export async function logOut(context: LogOutContext, request: Request): Promise<Response>
export async function logOut(context: LogOutContext, request: Request | undefined): Promise<Response | undefined>
export async function logOut(context: LogOutContext, request: Request | undefined): Promise<Response | undefined> {
  const ended = await context.store.end()
  if (ended) await context.broadcast('SESSION_ENDED', {})
  // A session another configuration issued (Policy 10) is cleared, but its tokens go nowhere.
  const tokens = ended?.issuedBy === context.issuedBy ? ended : null

  const revocation =
    tokens &&
    context.revoke?.(tokens).catch((error: unknown) => {
      context.warn(
        formatMessage(
          'revoke the refresh token at the provider',
          error instanceof Error ? error.message : 'the request failed',
          'The session was still ended in this browser',
        ),
      )
    })
  try {
    // DPoP: the logout request is proved with the ended session's key, and a `use_dpop_nonce`
    // challenge is answered once, with the nonce (its small body is copied for that).
    if (
      request &&
      context.dpop &&
      tokens?.dpopKey &&
      tokens.tokenType === 'DPoP' &&
      !request.headers.has('Authorization')
    ) {
      return await context.dpop.sendCopyOf(request, tokens.dpopKey, tokens.accessToken)
    }
    return request && (await context.fetch(withAccessToken(request, tokens)))
  } finally {
    await revocation
  }
}

function withAccessToken(request: Request, tokens: SessionTokens | null): Request {
  const headers = new Headers(request.headers)
  if (tokens && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${tokens.accessToken}`)
  return new Request(request, { headers, referrer: request.referrer, referrerPolicy: request.referrerPolicy })
}
