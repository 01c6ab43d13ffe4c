import type { DpopKey } from './dpop/DpopKey.js'
import { computeExpiresAt, isDueForRefresh } from './expiry.js'
import type { TokenSet } from './parseTokenResponse.js'
import { clockFieldsFrom } from './sessionClock.js'
import { sessionTokensFrom } from './sessionTokensFrom.js'
import type { TokenTarget } from './tokenTarget.js'
import { resourceTokenOf, type LiveSession, type SessionTokens } from './tokenStore.js'

/**
 * The access token a request goes out with (or went out with), the one shape the API path and the
 * refresher share for "the token a request used".
 */
export interface HeldToken {
  /** The login the token belongs to (Policy 10): a request is only ever sent with its own login's. */
  loginId: string
  accessToken: string
  /**
   * Which token this is: for the session's own token, the record generation it was read at; for
   * an API's own token (Policy 11), the generation it was written at.
   */
  generation: number
  expiresAt: number | null
  receivedAt: number
  /** `'DPoP'` for a token bound to `dpopKey`, sent with a proof by it (RFC 9449). */
  tokenType: 'DPoP' | undefined
  /** The session's DPoP key, if it has one. */
  dpopKey: DpopKey | undefined
}

/**
 * What the refresher needs to know of the token a caller saw: its login, and when it had one, which
 * token it was. A caller with no token yet (an API's first request) names its login only.
 */
export type SeenToken = Pick<HeldToken, 'loginId'> & Partial<Pick<HeldToken, 'generation' | 'accessToken'>>

/**
 * One kind of access token an `api` entry gets: the session's own (the login's), or the one minted
 * for an entry's resource, audience or scopes (Policy 11). Both are renewed by the one locked
 * algorithm of the refresher; what differs between them is stated here, and only here.
 */
export interface ApiTokenKind {
  /** Identifies the kind in the refresher's flights and the API path's marks: `''` is the session's. */
  readonly key: string
  /** For the refresh grant: the API the token is for; `undefined` for the session's own. */
  readonly target: TokenTarget | undefined
  /** The token `session` holds of this kind; `undefined` when none was minted yet. */
  held(session: LiveSession): HeldToken | undefined
  /** Whether to renew before sending: about to expire, or (an API's own token) none yet. */
  isDue(session: LiveSession, held: HeldToken | undefined, now: number, refreshAheadSeconds: number): boolean
  /** The token someone renewed since `seen` went out, if anyone did: use it, renew nothing. */
  renewedSince(current: LiveSession, seen: SeenToken): HeldToken | undefined
  /** Without a refresh token: the session's own token ends the session; an API's is not minted. */
  readonly endsWithoutRefreshToken: boolean
  /** The session's tokens after a renewal of this kind answered `tokens` at `receivedAt`. */
  renewed(stored: LiveSession, tokens: TokenSet, receivedAt: number): SessionTokens
}

/** Made once per `api` entry's target (resolved once, at the worker's start), not per request. */
const RESOURCE_KINDS = new WeakMap<TokenTarget, ApiTokenKind>()

/** The kind of token an `api` entry with `target` gets (`undefined`: the session's own). */
export function apiTokenKind(target: TokenTarget | undefined): ApiTokenKind {
  if (!target) return SESSION_TOKEN
  let kind = RESOURCE_KINDS.get(target)
  if (!kind) RESOURCE_KINDS.set(target, (kind = resourceToken(target)))
  return kind
}

function sessionHeld(session: LiveSession): HeldToken {
  return {
    loginId: session.tokens.loginId,
    accessToken: session.tokens.accessToken,
    generation: session.generation,
    expiresAt: session.tokens.expiresAt,
    receivedAt: session.tokens.receivedAt,
    tokenType: session.tokens.tokenType,
    dpopKey: session.tokens.dpopKey,
  }
}

/** The session's own access token: the one the login (or its last refresh) answered. */
export const SESSION_TOKEN: ApiTokenKind = {
  key: '',
  target: undefined,
  held: sessionHeld,
  // Without a refresh token the session cannot renew: its token goes out until the API says no.
  isDue: (session, token, now, ahead) =>
    token !== undefined && session.tokens.refreshToken !== undefined && isDueForRefresh(token, now, ahead),
  // The generation also moves with other APIs' renewals, which leave this token as it was.
  renewedSince: (current, seen) =>
    current.generation !== seen.generation && current.tokens.accessToken !== seen.accessToken
      ? sessionHeld(current)
      : undefined,
  endsWithoutRefreshToken: true,
  // Policy 7: a response without a refresh token (or ID token) keeps the one we had.
  renewed: (stored, tokens, receivedAt) => sessionTokensFrom(tokens, receivedAt, stored.tokens),
}

function resourceToken(target: TokenTarget): ApiTokenKind {
  const held = (session: LiveSession): HeldToken | undefined => {
    const token = resourceTokenOf(session.tokens, target.key)
    return (
      token && {
        loginId: session.tokens.loginId,
        accessToken: token.accessToken,
        generation: token.generation,
        expiresAt: token.expiresAt,
        receivedAt: token.receivedAt,
        tokenType: token.tokenType,
        dpopKey: session.tokens.dpopKey,
      }
    )
  }
  return {
    key: target.key,
    target,
    held,
    isDue: (_session, token, now, ahead) => token === undefined || isDueForRefresh(token, now, ahead),
    // Another request (here, or in another worker) renewed this API's token since the caller looked.
    renewedSince(current, seen) {
      const latest = held(current)
      return latest !== undefined && latest.generation !== seen.generation ? latest : undefined
    },
    endsWithoutRefreshToken: false,
    renewed: (stored, tokens, receivedAt) => ({
      ...withoutClockFields(stored.tokens),
      // Rotation: the answer's refresh token replaces the one just used (Policy 7 if absent).
      refreshToken: tokens.refreshToken ?? stored.tokens.refreshToken,
      idToken: tokens.idToken ?? stored.tokens.idToken,
      // A rotated refresh token brings its own lifetime (Policy 16).
      ...clockFieldsFrom(tokens, receivedAt, stored.tokens),
      resourceTokens: {
        ...stored.tokens.resourceTokens,
        [target.key]: {
          accessToken: tokens.accessToken,
          expiresAt: computeExpiresAt(tokens.lifetimeSeconds, receivedAt),
          receivedAt,
          generation: stored.generation + 1,
          // DPoP: an API's token proved with the session's key is bound to it too.
          ...(tokens.tokenType && { tokenType: tokens.tokenType }),
        },
      },
    }),
  }
}

/** The session's tokens without what `clockFieldsFrom` decides afresh at each renewal. */
function withoutClockFields(tokens: SessionTokens): SessionTokens {
  const copy = { ...tokens }
  delete copy.refreshExpiresAt
  delete copy.providerEndsAt
  delete copy.signedInAt
  return copy
}
