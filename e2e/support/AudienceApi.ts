import { createServer, type Server } from 'node:http'
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { closeServer, listen } from '../../demo/server/listen.ts'

/** What the API saw, never the token itself: whether it was for this API, and whom it was for. */
export interface AudienceApiRecord {
  path: string
  /** `'none'`: no bearer token; `'opaque'`: not a JWT; otherwise the token's `aud`, as a list. */
  audience: 'none' | 'opaque' | string[]
  authorized: boolean
}

/**
 * A resource server on its own site (`http://127.0.0.1:PORT`), for one app origin (CORS): its
 * resource identifier is `${origin}/`, and it accepts only a JWT access token signed by the provider
 * whose audience is itself (RFC 9068 as oidc-provider issues them for RFC 8707 resources).
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

  async start(appOrigin: string): Promise<this> {
    const cors = {
      'Access-Control-Allow-Origin': appOrigin,
      'Access-Control-Allow-Headers': 'Authorization',
      Vary: 'Origin',
    }
    this.#server = createServer((request, response) => {
      if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
      const path = new URL(request.url ?? '/', 'http://api.invalid').pathname
      void this.#check(request.headers.authorization).then((record) => {
        this.records.push({ path, ...record })
        const status = record.authorized ? 200 : 401
        response
          .writeHead(status, {
            'Content-Type': 'application/json',
            ...cors,
            ...(status === 401 && { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
          })
          .end(JSON.stringify({ authorized: record.authorized }))
      })
    })
    this.origin = `http://127.0.0.1:${await listen(this.#server)}`
    return this
  }

  async #check(authorization: string | undefined): Promise<Omit<AudienceApiRecord, 'path'>> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined
    if (token === undefined) return { audience: 'none', authorized: false }
    let aud: unknown
    try {
      aud = decodeJwt(token).aud
    } catch {
      return { audience: 'opaque', authorized: false }
    }
    const audience = Array.isArray(aud) ? aud.map(String) : [String(aud)]
    this.#jwks ??= createRemoteJWKSet(new URL(`${this.issuer}/jwks`))
    try {
      await jwtVerify(token, this.#jwks, { issuer: this.issuer, audience: this.resource })
      return { audience, authorized: true }
    } catch {
      return { audience, authorized: false }
    }
  }

  async close(): Promise<void> {
    if (this.#server) await closeServer(this.#server)
  }
}
