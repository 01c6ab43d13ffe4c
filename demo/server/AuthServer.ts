import { randomBytes } from 'node:crypto'
import { SignJWT, jwtVerify } from 'jose'
import { DpopVerifier, type DpopPresentation } from './DpopVerifier.ts'
import { digest } from './hash.ts'
import { RESOURCE_APIS } from './resourceApis.ts'

/**
 * How the auth server treats a refresh token that was already used. `strict` revokes the whole
 * family (what real servers do: a reused token means it leaked, or a client refreshed twice);
 * `grace` accepts reuse within `graceSeconds`; `none` never rotates.
 */
type RotationMode = 'strict' | 'grace' | 'none'

export interface AuthServerOptions {
  accessTtlSeconds: number
  refreshTtlSeconds: number
  rotation: RotationMode
  graceSeconds: number
  users: Record<string, string>
  /** How far this issuer's clock is ahead of real time (negative: behind), for clock-skew tests. */
  clockOffsetSeconds: number
  /** `false` leaves `expires_in` out of token responses: clients must read the JWT instead. */
  sendExpiresIn: boolean
  /**
   * `true` adds `refresh_expires_in` to token responses (as Keycloak does): the seconds the
   * refresh token has left, which is what the worker's session clock ends the session by.
   */
  sendRefreshExpiresIn: boolean
  /**
   * DPoP (RFC 9449): every login and refresh needs a valid proof; tokens are bound to its key
   * (`cnf.jkt` in the access token, the refresh token remembers it) and issued as `token_type:
   * DPoP`; the API then needs `Authorization: DPoP` with a proof by the same key.
   */
  dpop: boolean
  /**
   * What a refresh may ask a token for, with `resource=` (RFC 8707) or `audience=` (Policy 11):
   * the answer's access token then has that value as its `aud`. Default: the demo's two APIs.
   */
  audiences: string[]
}

/** What a refresh asked its access token to be for (Policy 11); both `null`: the login's own token. */
interface RefreshTarget {
  resource: string | null
  audience: string | null
}

export interface RefreshRecord extends RefreshTarget {
  /** A digest of the presented refresh token: tests compare these, never the token itself. */
  presented: string
  outcome:
    | 'invalid_target'
    | 'rotated'
    | 'renewed'
    | 'grace'
    | 'reused'
    | 'expired'
    | 'unknown'
    | 'revoked'
    | 'bad_request'
    | 'dpop_rejected'
    | 'wrong_key'
}

export interface AuthCounters {
  logins: number
  refreshes: number
  reuseDetections: number
  logouts: number
}

interface RefreshTokenState {
  family: string
  user: string
  expiresAt: number
  usedAt: number | undefined
  /** What the first use of this token returned, for the grace window. */
  successor: string | undefined
  /** DPoP: the thumbprint of the key the token is bound to (the login's). */
  jkt: string | undefined
}

export interface TokenResponseBody {
  access_token: string
  token_type: 'Bearer' | 'DPoP'
  expires_in?: number
  refresh_token?: string
  user: { name: string }
}

export type AuthResult<T> = (
  { status: 200; body: T } | { status: 400 | 401; body: { error: string; error_description: string } }
) & {
  /** Extra response headers (`DPoP-Nonce`). */
  headers?: Record<string, string>
}

/** The demo's OAuth-style auth server: issues JWT access tokens and rotating refresh tokens. */
export class AuthServer {
  readonly options: AuthServerOptions
  readonly counters: AuthCounters = { logins: 0, refreshes: 0, reuseDetections: 0, logouts: 0 }
  readonly refreshLog: RefreshRecord[] = []
  /**
   * Every token this server issued, kept in the server process only, so a test can search what a
   * page can read for them. Never logged, never sent anywhere.
   */
  readonly issuedTokens: string[] = []
  readonly #secret = randomBytes(32)
  readonly #refreshTokens = new Map<string, RefreshTokenState>()
  readonly #revokedFamilies = new Set<string>()
  /** The `jti` and `aud` of every access token issued so far, and the `jti` of those a test declared expired. */
  readonly #accessTokenIds: Array<{ id: string; audience: string | undefined }> = []
  readonly #expiredAccessTokenIds = new Set<string>()
  /** DPoP proof checks, shared with the API; `undefined` unless `dpop` is on. */
  readonly dpop: DpopVerifier | undefined

  constructor(options: Partial<AuthServerOptions> = {}) {
    this.options = {
      accessTtlSeconds: 60,
      refreshTtlSeconds: 3600,
      rotation: 'strict',
      graceSeconds: 10,
      users: { demo: 'demo' },
      clockOffsetSeconds: 0,
      sendExpiresIn: true,
      sendRefreshExpiresIn: false,
      dpop: false,
      audiences: RESOURCE_APIS.map((api) => api.value),
      ...options,
    }
    this.dpop = this.options.dpop ? new DpopVerifier() : undefined
  }

  async login(username: unknown, password: unknown, proof?: DpopPresentation): Promise<AuthResult<TokenResponseBody>> {
    const bound = await this.#checkProof(proof)
    if ('status' in bound) return bound
    if (
      typeof username !== 'string' ||
      this.options.users[username] === undefined ||
      this.options.users[username] !== password
    ) {
      return { status: 401, body: { error: 'invalid_grant', error_description: 'Wrong user name or password.' } }
    }
    this.counters.logins += 1
    const family = randomBytes(8).toString('hex')
    const sessionEndsAt = Date.now() + this.options.refreshTtlSeconds * 1000
    return this.#answer(
      await this.#issue(username, family, this.#newRefreshToken(username, family, sessionEndsAt, bound.jkt), bound.jkt),
    )
  }

  /**
   * One use of a refresh token. With `target` (Policy 11: a `resource` or `audience` the refresh
   * names), the answer's access token is for that API only (its `aud`); the refresh token rotates
   * all the same, so every use of it, for any API, is one use.
   */
  async refresh(
    refreshToken: unknown,
    proof?: DpopPresentation,
    target: { resource?: unknown; audience?: unknown } = {},
  ): Promise<AuthResult<TokenResponseBody>> {
    const asked: RefreshTarget = {
      resource: typeof target.resource === 'string' ? target.resource : null,
      audience: typeof target.audience === 'string' ? target.audience : null,
    }
    const log = (presented: string, outcome: RefreshRecord['outcome']) =>
      this.refreshLog.push({ presented, outcome, ...asked })
    const bound = await this.#checkProof(proof)
    if ('status' in bound) {
      // A nonce challenge is not a refresh attempt: the client retries with the nonce.
      if (bound.body.error !== 'use_dpop_nonce')
        log(typeof refreshToken === 'string' ? digest(refreshToken) : '', 'dpop_rejected')
      return bound
    }
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      log('', 'bad_request')
      return invalidGrant('refresh_token is missing')
    }
    const presented = digest(refreshToken)
    const state = this.#refreshTokens.get(refreshToken)
    const fail = (outcome: RefreshRecord['outcome'], why: string) => {
      log(presented, outcome)
      return invalidGrant(why)
    }
    if (!state) return fail('unknown', 'unknown refresh token')
    if (this.#revokedFamilies.has(state.family)) return fail('revoked', 'the session was revoked')
    if (Date.now() >= state.expiresAt) return fail('expired', 'the refresh token expired')
    // DPoP: a bound refresh token with another key's proof is refused, and not used up.
    if (state.jkt !== bound.jkt) return fail('wrong_key', 'the refresh token is bound to another DPoP key')
    // RFC 8707 §2: an API this server mints no tokens for is refused, and the token not used up.
    const audience = asked.resource ?? asked.audience ?? undefined
    if (audience !== undefined && !this.options.audiences.includes(audience)) {
      log(presented, 'invalid_target')
      return { status: 400, body: { error: 'invalid_target', error_description: 'no such resource or audience' } }
    }

    const { rotation, graceSeconds } = this.options
    if (rotation === 'none') {
      this.counters.refreshes += 1
      log(presented, 'renewed')
      return this.#answer(await this.#issue(state.user, state.family, undefined, state.jkt, audience))
    }
    if (state.usedAt !== undefined) {
      const withinGrace =
        rotation === 'grace' && Date.now() - state.usedAt <= graceSeconds * 1000 && state.successor !== undefined
      if (!withinGrace) {
        this.counters.reuseDetections += 1
        this.#revokedFamilies.add(state.family)
        return fail('reused', 'the refresh token was already used; the session is revoked')
      }
      this.counters.refreshes += 1
      log(presented, 'grace')
      return this.#answer(await this.#issue(state.user, state.family, state.successor, state.jkt, audience))
    }
    state.usedAt = Date.now()
    state.successor = this.#newRefreshToken(state.user, state.family, state.expiresAt, state.jkt)
    this.counters.refreshes += 1
    log(presented, 'rotated')
    return this.#answer(await this.#issue(state.user, state.family, state.successor, state.jkt, audience))
  }

  /**
   * DPoP at the token endpoint: `{ jkt }` of a valid proof (`jkt` undefined when DPoP is off), or
   * the refusal to send: `400 use_dpop_nonce` with the nonce to use, or `400 invalid_dpop_proof`.
   */
  async #checkProof(proof: DpopPresentation | undefined): Promise<{ jkt: string | undefined } | AuthResult<never>> {
    if (!this.dpop) return { jkt: undefined }
    const check = await this.dpop.check(proof ?? { proof: undefined, method: 'POST', url: 'http://invalid/' }, 'token')
    if (check.ok) return { jkt: check.jkt }
    if (check.refusal === 'use_dpop_nonce') {
      return {
        status: 400,
        body: { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof' },
        headers: { 'DPoP-Nonce': this.dpop.nonce },
      }
    }
    return {
      status: 400,
      body: { error: 'invalid_dpop_proof', error_description: `DPoP proof refused: ${check.refusal}` },
    }
  }

  /** A successful token response; with DPoP it also hands out the current nonce (RFC 9449 §8.2). */
  #answer(body: TokenResponseBody): AuthResult<TokenResponseBody> {
    return { status: 200, body, ...(this.dpop && { headers: { 'DPoP-Nonce': this.dpop.nonce } }) }
  }

  /**
   * Answers the access token's claims, or `undefined` when it is invalid, expired or revoked, or
   * for another API than `audience` (Policy 11): a token minted for an API (`aud`) is good for that
   * API only, and the login's own token (no `aud`) only where no `audience` is expected.
   */
  async verify(
    accessToken: string,
    audience?: string,
  ): Promise<{ sub: string; sid: string; exp: number; jkt: string | undefined } | undefined> {
    try {
      const { payload } = await jwtVerify(accessToken, this.#secret, {
        algorithms: ['HS256'],
        currentDate: new Date(this.#clockSeconds() * 1000),
      })
      const { sub, sid, exp, jti, cnf, aud } = payload as {
        sub?: unknown
        sid?: unknown
        exp?: unknown
        jti?: unknown
        cnf?: { jkt?: unknown }
        aud?: unknown
      }
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof exp !== 'number') return undefined
      if (aud !== audience) return undefined
      if (typeof jti === 'string' && this.#expiredAccessTokenIds.has(jti)) return undefined
      const jkt = typeof cnf?.jkt === 'string' ? cnf.jkt : undefined
      return this.#revokedFamilies.has(sid) ? undefined : { sub, sid, exp, jkt }
    } catch {
      return undefined
    }
  }

  /**
   * Revokes the session the access token belongs to. With DPoP, only with a proof by the key the
   * token is bound to: a stolen token cannot even end its session. Answers `'use_dpop_nonce'` when
   * the proof lacks the nonce the server asks for (`requireNonce.api`): the caller challenges, and
   * nothing was revoked.
   */
  async logout(accessToken: string | undefined, proof?: DpopPresentation): Promise<'use_dpop_nonce' | undefined> {
    const claims = accessToken ? await this.verify(accessToken) : undefined
    const check =
      this.dpop && claims && proof && (await this.dpop.check({ ...proof, accessToken: accessToken! }, 'api'))
    if (check && !check.ok && check.refusal === 'use_dpop_nonce') return 'use_dpop_nonce'
    if (this.dpop && !(check && check.ok && check.jkt === claims?.jkt)) return undefined
    if (claims) {
      this.#revokedFamilies.add(claims.sid)
      this.counters.logouts += 1
    }
    return undefined
  }

  /** Revokes one session (family) by its id, as an administrator would. */
  revokeSession(sessionId: string): void {
    this.#revokedFamilies.add(sessionId)
  }

  /** Revokes every session (an administrator's "sign out everywhere"). */
  revokeAll(): void {
    for (const state of this.#refreshTokens.values()) this.#revokedFamilies.add(state.family)
  }

  /**
   * Test control: every access token issued so far counts as expired from now on, as if its
   * lifetime had run out (`verify()` refuses it, so the API answers 401 `invalid_token`); tokens
   * issued later are not affected, and the sessions' refresh tokens still work. A test expires a
   * token on the server's side on command instead of sleeping past a short lifetime, and the worker,
   * which still believes the token fresh, meets the API's 401. With `audience`, only the tokens
   * minted for that API (Policy 11, docs/behaviour.md).
   */
  expireAccessTokens(audience?: string): void {
    for (const token of this.#accessTokenIds)
      if (audience === undefined || token.audience === audience) this.#expiredAccessTokenIds.add(token.id)
  }

  /**
   * Rotated tokens inherit the family's end: `refreshTtlSeconds` is an absolute session lifetime
   * counted from login (as most providers' "absolute lifetime"), so an active session still ends.
   */
  #newRefreshToken(user: string, family: string, expiresAt: number, jkt: string | undefined): string {
    const token = randomBytes(32).toString('base64url')
    this.#refreshTokens.set(token, { family, user, expiresAt, usedAt: undefined, successor: undefined, jkt })
    return token
  }

  /** `{ refresh_expires_in }` for a refresh token just issued, when `sendRefreshExpiresIn` is on. */
  #refreshExpiresIn(refreshToken: string): { refresh_expires_in?: number } {
    const expiresAt = this.#refreshTokens.get(refreshToken)?.expiresAt
    if (!this.options.sendRefreshExpiresIn || expiresAt === undefined) return {}
    return { refresh_expires_in: Math.max(1, Math.floor((expiresAt - Date.now()) / 1000)) }
  }

  /** This issuer's clock, in whole seconds: real time plus `clockOffsetSeconds`. */
  #clockSeconds(): number {
    return Math.floor(Date.now() / 1000) + this.options.clockOffsetSeconds
  }

  async #issue(
    user: string,
    family: string,
    refreshToken: string | undefined,
    jkt: string | undefined,
    audience?: string,
  ): Promise<TokenResponseBody> {
    const ttl = this.options.accessTtlSeconds
    const issuedAt = this.#clockSeconds()
    const tokenId = randomBytes(8).toString('hex')
    this.#accessTokenIds.push({ id: tokenId, audience })
    // DPoP: the access token names the key it is bound to (RFC 9449 §6.1). Policy 11: a token
    // minted for one API names it as its audience.
    const accessToken = await new SignJWT({
      sid: family,
      ...(jkt !== undefined && { cnf: { jkt } }),
      ...(audience !== undefined && { aud: audience }),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user)
      .setJti(tokenId)
      .setIssuedAt(issuedAt)
      // A second more than announced, so the server never rejects a token before its `expires_in`.
      .setExpirationTime(issuedAt + ttl + 1)
      .sign(this.#secret)
    this.issuedTokens.push(accessToken, ...(refreshToken === undefined ? [] : [refreshToken]))
    return {
      access_token: accessToken,
      token_type: jkt === undefined ? 'Bearer' : 'DPoP',
      ...(this.options.sendExpiresIn && { expires_in: ttl }),
      ...(refreshToken !== undefined && { refresh_token: refreshToken }),
      ...(refreshToken !== undefined && this.#refreshExpiresIn(refreshToken)),
      user: { name: user },
    }
  }
}

function invalidGrant(description: string): AuthResult<never> {
  return { status: 400, body: { error: 'invalid_grant', error_description: description } }
}
