import type { Broadcast } from './broadcast'
import { computeExpiresAt } from './expiry'
import type { TokenSet } from './parseTokenResponse'
import type { SessionRefresher } from './SessionRefresher'
import type { TokenStore } from './tokenStore'

export interface StartSessionContext {
  store: TokenStore
  refresher: SessionRefresher
  broadcast: Broadcast
  now: () => number
}

/** Keeps the tokens of a login (or an OpenID sign-in) as the new session, and tells every tab. */
export async function startSession(tokens: TokenSet, context: StartSessionContext): Promise<void> {
  const receivedAt = context.now()
  const expiresAt = computeExpiresAt(tokens.accessToken, tokens.expiresIn, receivedAt)
  const previous = await context.store.current()
  await context.store.start({
    accessToken: tokens.accessToken,
    // A token endpoint that renews an existing session without a new refresh token keeps the old one.
    refreshToken: tokens.refreshToken ?? previous.tokens?.refreshToken,
    idToken: tokens.idToken,
    expiresAt,
    receivedAt,
  })
  context.refresher.reset()
  await context.broadcast('SESSION_STARTED', { expiresAt })
}
