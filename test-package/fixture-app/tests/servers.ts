import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { OAuth2Server } from 'oauth2-mock-server'

/** What the provider's token endpoint answered, per grant. Never the tokens. */
export interface GrantRecord {
  grantType: string
  status: number
}

/**
 * An OAuth server this project did not write (oauth2-mock-server): password and refresh grants,
 * JWT access tokens signed with a key published at `/jwks`, CORS open to any origin.
 */
export class Provider {
  readonly grants: GrantRecord[] = []
  readonly server = new OAuth2Server()
  #refuseNextRefresh = false

  async start(): Promise<this> {
    await this.server.issuer.keys.generate('RS256')
    this.server.service.on(
      'beforeResponse',
      (
        response: { statusCode: number; body: unknown },
        request: IncomingMessage & { body: Record<string, unknown> },
      ) => {
        const grantType = String(request.body['grant_type'])
        if (grantType === 'refresh_token' && this.#refuseNextRefresh) {
          this.#refuseNextRefresh = false
          response.statusCode = 400
          response.body = { error: 'invalid_grant' }
        }
        this.grants.push({ grantType, status: response.statusCode })
      },
    )
    await this.server.start(0, '127.0.0.1')
    return this
  }

  get issuer(): string {
    return this.server.issuer.url ?? ''
  }

  /** The next refresh is refused as a revoked refresh token is: the session is over. */
  refuseNextRefresh(): void {
    this.#refuseNextRefresh = true
  }

  stop(): Promise<void> {
    return this.server.stop()
  }
}

/** What the API saw of one request. Never the token. */
export interface ApiRecord {
  path: string
  bearer: boolean
  valid: boolean
  status: number
}

/**
 * A resource server on another origin: `/api/me` needs a JWT access token that verifies against
 * the provider's JWKS. Its CORS allows the app's origin, the Authorization header, and lets the
 * worker read WWW-Authenticate.
 */
export class Api {
  readonly records: ApiRecord[] = []
  origin = ''
  #server: Server | undefined
  #expireNextToken = false

  async start(appOrigin: string, issuer: string): Promise<this> {
    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`))
    const cors = {
      'Access-Control-Allow-Origin': appOrigin,
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      'Access-Control-Expose-Headers': 'WWW-Authenticate',
      Vary: 'Origin',
    }
    this.#server = createServer((request, response) => {
      if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
      void this.#answer(request, jwks, issuer).then(({ status, body }) => {
        const challenge = status === 401 ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : {}
        response
          .writeHead(status, { 'Content-Type': 'application/json', ...cors, ...challenge })
          .end(JSON.stringify(body))
      })
    })
    this.origin = `http://127.0.0.1:${await listen(this.#server)}`
    return this
  }

  /** The next request with a valid token is answered as if that token had expired. */
  expireNextToken(): void {
    this.#expireNextToken = true
  }

  async #answer(
    request: IncomingMessage,
    jwks: ReturnType<typeof createRemoteJWKSet>,
    issuer: string,
  ): Promise<{ status: number; body: unknown }> {
    const path = new URL(request.url ?? '/', 'http://api.invalid').pathname
    const authorization = request.headers.authorization
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined
    const claims = token
      ? await jwtVerify(token, jwks, { issuer }).then(
          ({ payload }) => payload,
          () => undefined,
        )
      : undefined
    const expired = claims !== undefined && this.#expireNextToken
    if (expired) this.#expireNextToken = false
    const status = claims && !expired ? 200 : 401
    this.records.push({ path, bearer: token !== undefined, valid: claims !== undefined, status })
    return { status, body: status === 200 ? { sub: claims?.sub } : { error: 'invalid_token' } }
  }

  async stop(): Promise<void> {
    await close(this.#server)
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
}

/** Serves the app as `vite build` wrote it (`dist/`), on `http://localhost:PORT`. */
export class StaticSite {
  origin = ''
  #server: Server | undefined

  async start(): Promise<this> {
    const root = fileURLToPath(new URL('../dist/', import.meta.url))
    this.#server = createServer((request, response) => void serve(root, request, response))
    this.origin = `http://localhost:${await listen(this.#server)}`
    return this
  }

  async stop(): Promise<void> {
    await close(this.#server)
  }
}

async function serve(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://site.invalid').pathname
  const file = normalize(join(root, path === '/' ? 'index.html' : path))
  if (!file.startsWith(root)) return void response.writeHead(404).end()
  try {
    const body = await readFile(file)
    response
      .writeHead(200, {
        'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
      })
      .end(body)
  } catch {
    response.writeHead(404).end()
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!server) return resolve()
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
