import { createServer, type Server } from 'node:http'
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { closeServer, listen } from '../../demo/server/listen.ts'

/** What the API saw, never the token itself: whether it was for this API, and whom it was for. */
export interface AudienceApiRecord {
  path: string
  /** `'none'`: no bearer token; `'opaque'`: not a JWT; otherwise the token's `aud`, as a list. */
  audience: 'none' | 'opaque' | string[]
  /** The token's `acr` claim (how the user authenticated), whether or not the token was accepted. */
  acr: string | null
  authorized: boolean
  /** 200, or 401: `invalid_token`, or `insufficient_user_authentication` for a step-up. */
  status: 200 | 401
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
 */
export class AudienceApi {
  readonly records: AudienceApiRecord[] = []
  origin = ''
  /** Set once the provider is up; the API fetches its keys from there. */
  issuer = ''
  #server: Server | undefined
  #jwks: ReturnType<typeof createRemoteJWKSet> | undefined

  get resource(): string {
    return `${this.origin}/`
  }

  async start(appOrigin: string, { sensitive }: AudienceApiOptions = {}): Promise<this> {
    const cors = {
      'Access-Control-Allow-Origin': appOrigin,
      'Access-Control-Allow-Headers': 'Authorization',
      'Access-Control-Expose-Headers': 'WWW-Authenticate',
      Vary: 'Origin',
    }
    this.#server = createServer((request, response) => {
      if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
      const path = new URL(request.url ?? '/', 'http://api.invalid').pathname
      void this.#check(request.headers.authorization).then(({ valid, ...seen }) => {
        const stepUp = valid && sensitive !== undefined && path.startsWith('/sensitive') && seen.acr !== sensitive.acr
        const authorized = valid && !stepUp
        const status = authorized ? 200 : 401
        this.records.push({ path, ...seen, authorized, status })
        const challenge = stepUp
          ? `Bearer error="insufficient_user_authentication", error_description="A stronger authentication is required", acr_values="${sensitive.acr}"${sensitive.maxAge === undefined ? '' : `, max_age=${sensitive.maxAge}`}`
          : 'Bearer error="invalid_token"'
        response
          .writeHead(status, {
            'Content-Type': 'application/json',
            ...cors,
            ...(status === 401 && { 'WWW-Authenticate': challenge }),
          })
          .end(JSON.stringify({ authorized, ...(authorized && { acr: seen.acr }) }))
      })
    })
    this.origin = `http://127.0.0.1:${await listen(this.#server)}`
    return this
  }

  async #check(
    authorization: string | undefined,
  ): Promise<Pick<AudienceApiRecord, 'audience' | 'acr'> & { valid: boolean }> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined
    if (token === undefined) return { audience: 'none', acr: null, valid: false }
    let claims: ReturnType<typeof decodeJwt>
    try {
      claims = decodeJwt(token)
    } catch {
      return { audience: 'opaque', acr: null, valid: false }
    }
    const { aud, acr } = claims
    const seen = {
      audience: Array.isArray(aud) ? aud.map(String) : [String(aud)],
      acr: typeof acr === 'string' ? acr : null,
    }
    this.#jwks ??= createRemoteJWKSet(new URL(`${this.issuer}/jwks`))
    try {
      await jwtVerify(token, this.#jwks, { issuer: this.issuer, audience: this.resource })
      return { ...seen, valid: true }
    } catch {
      return { ...seen, valid: false }
    }
  }

  async close(): Promise<void> {
    if (this.#server) await closeServer(this.#server)
  }
}
