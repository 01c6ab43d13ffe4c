import type { Broadcast } from './broadcast.js'
import type { TokenStore } from './tokenStore.js'

export interface EndSessionContext {
  store: TokenStore
  broadcast: Broadcast
  fetch: typeof fetch
}

/**
 * Logout: sends the request to the server with the current token (so it can revoke the session),
 * then clears the store and tells every tab, whatever the server answered or even if it was
 * unreachable: the user asked to leave, and the tokens must not outlive that.
 */
export async function endSession(request: Request, context: EndSessionContext): Promise<Response> {
  const { tokens } = await context.store.current()
  const headers = new Headers(request.headers)
  if (tokens && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${tokens.accessToken}`)
  try {
    return await context.fetch(new Request(request, { headers, referrer: request.referrer, referrerPolicy: request.referrerPolicy }))
  } finally {
    await forgetSession(context)
  }
}

/** Clears the session here and tells every tab, if there was one to clear. */
export async function forgetSession(context: Pick<EndSessionContext, 'store' | 'broadcast'>): Promise<void> {
  if (await context.store.end()) await context.broadcast('SESSION_ENDED', {})
}
