import { computeExpiresAt } from './expiry.js'
import type { TokenSet } from './parseTokenResponse.js'
import { clockFieldsFrom, type SessionClockFields } from './sessionClock.js'
import type { SessionTokens } from './tokenStore.js'

/** What a new session's tokens inherit: a login's identity, or a refreshed session's everything. */
export type SessionLineage = Pick<SessionTokens, 'loginId' | 'issuedBy'> &
  Partial<Pick<SessionTokens, 'refreshToken' | 'idToken' | 'resourceTokens' | 'dpopKey'>> &
  Partial<SessionClockFields>

/**
 * The tokens to store from a token response received at `receivedAt`. A refresh passes the
 * session's current tokens as `lineage`: the login identity and issuer carry over, and a response
 * that leaves out the refresh token or ID token keeps the old ones (Policy 7), and the other APIs'
 * tokens (Policy 11) stay as they were: renewing one token does not end the others. A login passes a new
 * identity only: a new session never inherits another session's tokens, which may be another user's.
 */
export function sessionTokensFrom(response: TokenSet, receivedAt: number, lineage: SessionLineage): SessionTokens {
  return {
    loginId: lineage.loginId,
    issuedBy: lineage.issuedBy,
    accessToken: response.accessToken,
    refreshToken: response.refreshToken ?? lineage.refreshToken,
    idToken: response.idToken ?? lineage.idToken,
    expiresAt: computeExpiresAt(response.lifetimeSeconds, receivedAt),
    receivedAt,
    // The session clock (Policy 16): the sign-in's time carries over, the lifetimes are the answer's.
    ...clockFieldsFrom(response, receivedAt, lineage),
    ...(lineage.resourceTokens !== undefined && { resourceTokens: lineage.resourceTokens }),
    // DPoP (Policy 14): the login's key stays with every refresh; the type is per response.
    ...(lineage.dpopKey && { dpopKey: lineage.dpopKey }),
    ...(response.tokenType && { tokenType: response.tokenType }),
  }
}
