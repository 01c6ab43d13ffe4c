import { formatMessage } from '../protocol/errors.js'
import type { Broadcast } from './broadcast.js'
import type { Credentials } from './credential.js'
import type { DecisionLog } from './decisionLog.js'
import type { SessionTokens, TokenStore } from './tokenStore.js'

export interface LogOutContext {
  store: TokenStore
  broadcast: Broadcast
  warn: (message: string) => void
  /** What this worker refreshes with: only a session it issued has its tokens sent anywhere. */
  issuedBy: string
  /** Puts the ended session's access token on the logout request (Bearer or DPoP). */
  credentials: Credentials
  /** Revokes the session at the OpenID provider (RFC 7009), where there is one. */
  revoke: ((tokens: SessionTokens) => Promise<unknown>) | undefined
  /** The decision log: each logout, and whether it ended a session. */
  log?: DecisionLog | undefined
}

/** What is left of a logout once the session has ended here: its requests to the servers. */
export interface LoggedOut<R> {
  /** The logout endpoint's answer (`undefined` without a request), once the revocation is done too. */
  response: Promise<R>
  /** The ended session's tokens, when this configuration issued them: kept in memory, never stored. */
  ended: SessionTokens | null
}

/**
 * Logout, from an intercepted request to the logout endpoint or from `proxy.logout()`: both come
 * here (Policy 10). The session is cleared in IndexedDB and every tab told **before** anything goes
 * to the network, so a browser closed or crashed mid-logout comes back logged out; the ended
 * session's access token is kept in memory only to send this one logout request (and the
 * revocation). Whatever the server answers, or if it is unreachable, the session stays over: the
 * user asked to leave.
 *
 * Resolves once the session has ended here; `response` settles when the servers have answered.
 * Rejects (`ERR_STORAGE_FAILED`) when the store cannot be cleared: then no tab is told anything,
 * and nothing is sent as if the session had ended.
 */
export async function logOut(context: LogOutContext, request: Request): Promise<LoggedOut<Response>>
export async function logOut(
  context: LogOutContext,
  request: Request | undefined,
): Promise<LoggedOut<Response | undefined>>
export async function logOut(
  context: LogOutContext,
  request: Request | undefined,
): Promise<LoggedOut<Response | undefined>> {
  const ended = await context.store.end()
  if (context.log?.enabled) context.log.record({ type: 'logout', ended: ended !== null })
  if (ended) await context.broadcast('SESSION_ENDED', {})
  // A session another configuration issued (Policy 10) is cleared, but its tokens go nowhere.
  const tokens = ended?.issuedBy === context.issuedBy ? ended : null

  const revocation = tokens ? revoke(context, tokens) : undefined
  const response = (async () => {
    try {
      return request && (await sendLogoutRequest(context, request, tokens))
    } finally {
      await revocation
    }
  })()
  return { response, ended: tokens }
}

function revoke(context: LogOutContext, tokens: SessionTokens): Promise<unknown> | undefined {
  return context.revoke?.(tokens).catch((error: unknown) => {
    context.warn(
      formatMessage(
        'revoke the refresh token at the provider',
        error instanceof Error ? error.message : 'the request failed',
        'The session was still ended in this browser',
      ),
    )
  })
}

/**
 * The logout request with the ended session's token, unless the page set its own `Authorization`
 * (passed through untouched, Policy 1). Its small body is read once, so that a DPoP nonce
 * challenge can be answered by sending it again.
 */
async function sendLogoutRequest(
  context: LogOutContext,
  request: Request,
  tokens: SessionTokens | null,
): Promise<Response> {
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.clone().arrayBuffer()
  const token = tokens && !request.headers.has('Authorization') ? tokens : undefined
  const build = () =>
    new Request(request, {
      headers: new Headers(request.headers),
      referrer: request.referrer,
      referrerPolicy: request.referrerPolicy,
      ...(body !== undefined && { body }),
    })
  return context
    .credentials(token && { accessToken: token.accessToken, tokenType: token.tokenType, dpopKey: token.dpopKey })
    .send(build, true)
}
