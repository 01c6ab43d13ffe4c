import { computeExpiresAt } from './expiry.js'
import type { TokenSet } from './parseTokenResponse.js'
import type { SessionTokens } from './tokenStore.js'

/**
 * The tokens to store from a token response received at `receivedAt`. A refresh response may
 * leave out the refresh token or ID token, which then stay as they were (Policy 7): pass the
 * session's current ones as `kept`. A login passes nothing: a new session never inherits another
 * session's tokens, which may belong to another user.
 */
export function sessionTokensFrom(response: TokenSet, receivedAt: number, kept?: Pick<SessionTokens, 'refreshToken' | 'idToken'>): SessionTokens {
  return {
    accessToken: response.accessToken,
    refreshToken: response.refreshToken ?? kept?.refreshToken,
    idToken: response.idToken ?? kept?.idToken,
    expiresAt: computeExpiresAt(response.lifetimeSeconds, receivedAt),
    receivedAt,
  }
}
