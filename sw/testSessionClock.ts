import type { LiveSession } from './tokenStore.js'

/**
 * Fakes for the session clock's unit tests (not shipped: only tests import it).
 */

/** A JWT with `claims` and no signature: the worker decodes claims and never verifies them. */
export const unsignedJwt = (claims: Record<string, unknown>): string =>
  `${btoa(JSON.stringify({ alg: 'none' })).replace(/=+$/, '')}.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.`

/** A stored session received at `receivedAt`, with `tokens` over the defaults, and its last activity. */
export const liveSession = (
  receivedAt: number,
  tokens: Partial<LiveSession['tokens']> = {},
  lastActiveAt?: number,
): LiveSession => ({
  generation: 1,
  tokens: {
    loginId: 'l',
    issuedBy: 'i',
    accessToken: 'a',
    refreshToken: 'r',
    idToken: undefined,
    expiresAt: null,
    receivedAt,
    ...tokens,
  },
  ...(lastActiveAt !== undefined && { lastActiveAt }),
})
