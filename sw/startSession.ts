import type { Broadcast } from './broadcast.js'
import type { TokenSet } from './parseTokenResponse.js'
import type { SessionRefresher } from './SessionRefresher.js'
import { sessionTokensFrom } from './sessionTokensFrom.js'
import type { TokenStore } from './tokenStore.js'

export interface StartSessionContext {
  store: TokenStore
  refresher: SessionRefresher
  broadcast: Broadcast
  now: () => number
}

/** Keeps the tokens of a login (or an OpenID sign-in) as the new session, and tells every tab. */
export async function startSession(tokens: TokenSet, context: StartSessionContext): Promise<void> {
  const session = sessionTokensFrom(tokens, context.now())
  await context.store.start(session)
  context.refresher.reset()
  await context.broadcast('SESSION_STARTED', { expiresAt: session.expiresAt })
}
