import type { DpopKey } from './dpop/DpopKey.js'
import { isDueForRefresh } from './expiry.js'
import type { SeenSession, SessionRefresher } from './SessionRefresher.js'
import type { TokenTarget } from './tokenTarget.js'
import { resourceTokenOf, type LiveSession, type ResourceToken } from './tokenStore.js'

/** The access token an API request goes out with, and what the proxy must know of it after a 401. */
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
  /** DPoP (issue 15): `'DPoP'` for a token bound to `dpopKey`, sent with a proof by it. */
  tokenType: 'DPoP' | undefined
  /** The session's DPoP key, if it has one. */
  dpopKey: DpopKey | undefined
}

/** What a renewal gives a request: a new token, the end of the session (send none), or nothing new. */
export type Renewal = { kind: 'renewed'; token: HeldToken } | { kind: 'ended' } | { kind: 'kept' }

/**
 * The access token an `api` entry gets, seen from the API path: the session's own (the login's),
 * or the one minted for the entry's resource, audience or scopes (Policy 11). Both are renewed by
 * the one refresher, so the API path treats the login's own token as one more target.
 */
export interface ApiTokens {
  /** The token `session` holds for this API; `undefined` when none was minted yet. */
  held(session: LiveSession): HeldToken | undefined
  /** Whether to renew before sending: about to expire, or (an API's own token) none yet. */
  isDue(session: LiveSession, held: HeldToken | undefined, now: number, refreshAheadSeconds: number): boolean
  /** Renews the token `held` (none: mints one), once for every concurrent caller of the login. */
  renew(loginId: string, held: HeldToken | undefined): Promise<Renewal>
  /** After a 401: the token another request renewed since `sent` went out, if one did. */
  renewedSince(current: LiveSession, sent: HeldToken): HeldToken | undefined
  /** Whether the API refused `sent` right after its renewal: then a 401 for it costs no more refreshes. */
  wasRefusedAfterRenewal(sent: HeldToken): boolean
  noteRefusedAfterRenewal(sent: HeldToken): void
}

/** The tokens of `target` (`undefined`: the session's own), renewed by `refresher`. */
export function apiTokensFor(target: TokenTarget | undefined, refresher: SessionRefresher): ApiTokens {
  return target ? resourceTokens(target, refresher) : sessionTokens(refresher)
}

function sessionTokens(refresher: SessionRefresher): ApiTokens {
  const held = (session: LiveSession): HeldToken => ({
    loginId: session.tokens.loginId,
    accessToken: session.tokens.accessToken,
    generation: session.generation,
    expiresAt: session.tokens.expiresAt,
    receivedAt: session.tokens.receivedAt,
    tokenType: session.tokens.tokenType,
    dpopKey: session.tokens.dpopKey,
  })
  const seen = (token: HeldToken): SeenSession => ({
    generation: token.generation,
    tokens: { loginId: token.loginId, accessToken: token.accessToken },
  })
  return {
    held,
    // Without a refresh token the session cannot renew: its token goes out until the API says no.
    isDue: (session, token, now, ahead) =>
      token !== undefined && session.tokens.refreshToken !== undefined && isDueForRefresh(token, now, ahead),
    async renew(_loginId, token) {
      if (token === undefined) return { kind: 'kept' }
      const outcome = await refresher.refresh(seen(token))
      if (outcome.kind === 'renewed') return { kind: 'renewed', token: held(outcome.record) }
      return outcome.kind === 'ended' ? { kind: 'ended' } : { kind: 'kept' }
    },
    // The generation also moves with other APIs' renewals, which leave this token as it was.
    renewedSince: (current, sent) =>
      current.generation > sent.generation && current.tokens.accessToken !== sent.accessToken
        ? held(current)
        : undefined,
    wasRefusedAfterRenewal: (sent) => refresher.wasRefusedAfterRenewal(sent),
    noteRefusedAfterRenewal: (sent) => refresher.noteRefusedAfterRenewal(sent),
  }
}

function resourceTokens(target: TokenTarget, refresher: SessionRefresher): ApiTokens {
  const heldFrom = (session: LiveSession, token: ResourceToken): HeldToken => ({
    loginId: session.tokens.loginId,
    accessToken: token.accessToken,
    generation: token.generation,
    expiresAt: token.expiresAt,
    receivedAt: token.receivedAt,
    tokenType: token.tokenType,
    dpopKey: session.tokens.dpopKey,
  })
  const held = (session: LiveSession): HeldToken | undefined => {
    const token = resourceTokenOf(session.tokens, target.key)
    return token && heldFrom(session, token)
  }
  return {
    held,
    isDue: (_session, token, now, ahead) => token === undefined || isDueForRefresh(token, now, ahead),
    async renew(loginId, token) {
      const outcome = await refresher.renewResource({ loginId, generation: token?.generation }, target)
      if (outcome.kind === 'renewed') return { kind: 'renewed', token: heldFrom(outcome.record, outcome.token) }
      // Failed for now (offline, 5xx), or no refresh token to mint with: sent with what it has.
      return outcome.kind === 'ended' ? { kind: 'ended' } : { kind: 'kept' }
    },
    renewedSince(current, sent) {
      const latest = held(current)
      return latest !== undefined && latest.generation !== sent.generation ? latest : undefined
    },
    wasRefusedAfterRenewal: (sent) => refresher.wasRefusedAfterRenewal(sent, target),
    noteRefusedAfterRenewal: (sent) => refresher.noteRefusedAfterRenewal(sent, target),
  }
}
