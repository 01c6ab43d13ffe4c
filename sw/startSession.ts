import type { Broadcast } from './broadcast'
import type { TokenSet } from './parseTokenResponse'
import type { SessionRefresher } from './SessionRefresher'
import { sessionTokensFrom } from './sessionTokensFrom'
import type { TokenStore } from './tokenStore'

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
