import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose'
import { DpopVerifier, dpopPresentation, type DpopRefusal } from '../../demo/server/DpopVerifier.ts'
import { closeServer, listen } from '../../demo/server/listen.ts'

/** What the API saw, never the token itself: whether it was for this API, and whom it was for. */
export interface AudienceApiRecord {
  path: string
  /** `'none'`: no token; `'opaque'`: not a JWT; otherwise the token's `aud`, as a list. */
  audience: 'none' | 'opaque' | string[]
  /** The token's `acr` claim (how the user authenticated), whether or not the token was accepted. */
  acr: string | null
  authorized: boolean
  /** The `Authorization` scheme as sent (`'Bearer'`, `'DPoP'`), `null` without one. */
  scheme: string | null
  /**
   * With DPoP on (`dpop: true`): `'verified'` (a valid proof for this request and token, by the key
   * the token's `cnf.jkt` names), or why not: `'bearer'` (a bound token sent as a bearer token),
   * `'unbound'` (a token without `cnf.jkt`), `'wrong_key'`, or the proof's refusal
   * (`'use_dpop_nonce'`: challenged for the API's nonce). `null` when the API runs without DPoP.
   */
  dpop: 'verified' | 'bearer' | 'unbound' | 'wrong_key' | DpopRefusal | null
  /** The token's `cnf.jkt` (a key thumbprint, not a secret); `null` when it has none. */
  jkt: string | null
  /** 200, or 401: `invalid_token`, `use_dpop_nonce`, or `insufficient_user_authentication` for a step-up. */
  status: number
}

export interface AudienceApiOptions {
  /**
   * RFC 9470 step-up: paths under `/sensitive` accept only a token whose `acr` is this one, and
   * answer any other valid token `401` with `WWW-Authenticate: Bearer
   * error="insufficient_user_authentication", acr_values="…"` (and `max_age` when given).
   */
  sensitive?: { acr: string; maxAge?: number }
}

/**
 * A resource server on its own site (`http://127.0.0.1:PORT`), for one app origin (CORS): its
 * resource identifier is `${origin}/`, and it accepts only a JWT access token signed by the provider
 * whose audience is itself (RFC 9068 as oidc-provider issues them for RFC 8707 resources). It
 * exposes `WWW-Authenticate` to the app's origin, so the worker can read why a token was refused.
 *
 * With `dpop: true` it accepts only DPoP-bound tokens (RFC 9449 §7): `Authorization: DPoP`, and a
 * proof checked by the demo's `DpopVerifier` (signature, `htm`/`htu`, `iat` window, `jti` used once,
 * `ath`) whose key is the one the token's `cnf.jkt` names; with `verifier.requireNonce.api` it
 * challenges proofs without its current nonce (`401 WWW-Authenticate: DPoP error="use_dpop_nonce"`).
 */
export class AudienceApi {
  readonly records: AudienceApiRecord[] = []
  origin = ''
  /** Set once the provider is up; the API fetches its keys from there. */
  issuer = ''
  /** DPoP proof checks and test controls (`requireNonce.api`, `rotateNonce()`); `undefined` without DPoP. */
  readonly verifier: DpopVerifier | undefined
  #server: Server | undefined
  #jwks: ReturnType<typeof createRemoteJWKSet> | undefined

  constructor({ dpop = false }: { dpop?: boolean } = {}) {
    this.verifier = dpop ? new DpopVerifier() : undefined
  }

  get resource(): string {
    return `${this.origin}/`
  }

  async start(appOrigin: string, { sensitive }: AudienceApiOptions = {}): Promise<this> {
    const cors = {
      'Access-Control-Allow-Origin': appOrigin,
      'Access-Control-Allow-Headers': 'Authorization, DPoP',
      'Access-Control-Expose-Headers': 'WWW-Authenticate, DPoP-Nonce',
      Vary: 'Origin',
    }
    this.#server = createServer((request, response) => {
      if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
      const path = new URL(request.url ?? '/', 'http://api.invalid').pathname
      void this.#check(request).then((checked) => {
        const stepUp =
          checked.authorized &&
          sensitive !== undefined &&
          path.startsWith('/sensitive') &&
          checked.acr !== sensitive.acr
        const authorized = checked.authorized && !stepUp
        const status = authorized ? 200 : 401
        this.records.push({ path, ...checked, authorized, status })
        response
          .writeHead(status, {
            'Content-Type': 'application/json',
            ...cors,
            ...(status === 401 && (stepUp ? this.#stepUpChallenge(sensitive) : this.#challenge(checked.dpop))),
          })
          .end(JSON.stringify({ authorized, ...(authorized && { acr: checked.acr }) }))
      })
    })
    this.origin = `http://127.0.0.1:${await listen(this.#server)}`
    return this
  }

  /** RFC 9470: what a valid token of a too weak (or too old) authentication is answered. */
  #stepUpChallenge({ acr, maxAge }: NonNullable<AudienceApiOptions['sensitive']>): Record<string, string> {
    const scheme = this.verifier ? 'DPoP' : 'Bearer'
    const maxAgeParameter = maxAge === undefined ? '' : `, max_age=${maxAge}`
    return {
      'WWW-Authenticate': `${scheme} error="insufficient_user_authentication", error_description="A stronger authentication is required", acr_values="${acr}"${maxAgeParameter}`,
    }
  }

  /** The 401's challenge; with DPoP, a nonce challenge carries the nonce to use. */
  #challenge(dpop: AudienceApiRecord['dpop']): Record<string, string> {
    if (!this.verifier) return { 'WWW-Authenticate': 'Bearer error="invalid_token"' }
    if (dpop === 'use_dpop_nonce')
      return { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce", algs="ES256"', 'DPoP-Nonce': this.verifier.nonce }
    return { 'WWW-Authenticate': 'DPoP error="invalid_token", algs="ES256"' }
  }

  async #check(request: IncomingMessage): Promise<Omit<AudienceApiRecord, 'path' | 'status'>> {
    const authorization = request.headers.authorization
    const scheme = authorization?.split(' ')[0] ?? null
    const token = scheme === 'Bearer' || scheme === 'DPoP' ? authorization!.slice(scheme.length + 1) : undefined
    const dpop = this.verifier ? 'bearer' : null
    if (token === undefined) return { audience: 'none', acr: null, authorized: false, scheme, dpop, jkt: null }
    let claims: JWTPayload
    try {
      claims = decodeJwt(token)
    } catch {
      return { audience: 'opaque', acr: null, authorized: false, scheme, dpop, jkt: null }
    }
    const { aud } = claims
    const audience = Array.isArray(aud) ? aud.map(String) : [String(aud)]
    const acr = typeof claims['acr'] === 'string' ? claims['acr'] : null
    this.#jwks ??= createRemoteJWKSet(new URL(`${this.issuer}/jwks`))
    let payload: JWTPayload
    try {
      payload = (await jwtVerify(token, this.#jwks, { issuer: this.issuer, audience: this.resource })).payload
    } catch {
      return { audience, acr, authorized: false, scheme, dpop, jkt: null }
    }
    const cnf = payload['cnf'] as { jkt?: unknown } | undefined
    const jkt = typeof cnf?.jkt === 'string' ? cnf.jkt : null
    if (!this.verifier) return { audience, acr, authorized: true, scheme, dpop: null, jkt }
    const checked = await this.#checkDpop(request, scheme, token, jkt)
    return { audience, acr, authorized: checked === 'verified', scheme, dpop: checked, jkt }
  }

  async #checkDpop(
    request: IncomingMessage,
    scheme: string | null,
    token: string,
    jkt: string | null,
  ): Promise<NonNullable<AudienceApiRecord['dpop']>> {
    if (scheme !== 'DPoP') return 'bearer'
    if (jkt === null) return 'unbound'
    const presented = dpopPresentation(request, token)
    const check = await this.verifier!.check({ ...presented, url: `${this.origin}${request.url ?? '/'}` }, 'api')
    if (!check.ok) return check.refusal
    return check.jkt === jkt ? 'verified' : 'wrong_key'
  }

  async close(): Promise<void> {
    if (this.#server) await closeServer(this.#server)
  }
}
