import type { Broadcast } from './broadcast.js'
import type { DpopKey } from './dpop/DpopKey.js'
import type { TokenSet } from './parseTokenResponse.js'
import { signedInAtOf } from './sessionClock.js'
import { sessionTokensFrom } from './sessionTokensFrom.js'
import type { TokenStore } from './tokenStore.js'

export interface StartSessionContext {
  store: TokenStore
  broadcast: Broadcast
  now: () => number
  /** What this worker refreshes with; the new session is bound to it (Policy 10). */
  issuedBy: string
}

/**
 * Keeps the tokens of a login (or an OpenID sign-in) as a new session with an identity of its own,
 * and tells every tab. Nothing of an earlier login's refresh (in flight, backing off, failing)
 * carries over: the refresher keys all of that by login.
 */
export async function startSession(tokens: TokenSet, context: StartSessionContext, dpopKey?: DpopKey): Promise<void> {
  // DPoP (Policy 14): the key that proved the login request becomes the session's key.
  const receivedAt = context.now()
  const session = sessionTokensFrom(tokens, receivedAt, {
    loginId: crypto.randomUUID(),
    issuedBy: context.issuedBy,
    // The session clock's ceiling counts from here (Policy 16).
    signedInAt: signedInAtOf(tokens, receivedAt),
    ...(dpopKey && { dpopKey }),
  })
  await context.store.start(session)
  await context.broadcast('SESSION_STARTED', { expiresAt: session.expiresAt })
}
