import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthServer } from './AuthServer.ts'
import { digest, type BodySummary } from './hash.ts'

/** What the API saw of one request. Digests only: a recorded request never holds a token. */
export interface ApiRecord {
  method: string
  path: string
  /** `'Bearer'`, `'Basic'`… or `null` when the request had no Authorization header. */
  authScheme: string | null
  /** Digest of the whole Authorization value, to tell tokens apart without keeping them. */
  authorizationDigest: string | null
  /** How many Authorization header lines arrived (a proxy must never add a second one). */
  authorizationCount: number
  /** Whether the bearer token was valid when it arrived. */
  authorized: boolean
  bodyDigest: string
  bodyBytes: number
  secFetchSite: string | null
  secFetchMode: string | null
  status: number
}

export interface ScriptedFailure {
  status: 400 | 401 | 403
  /** Sent with a 401; default `Bearer error="invalid_token"`. */
  wwwAuthenticate?: string
}

/**
 * The demo's resource server: every `/api/…` request needs a valid bearer token. `/api/me` says
 * who you are; anything else echoes what arrived. Authorised writes count as side effects, so a
 * test can prove that a forged request changed nothing.
 */
export class DemoApi {
  readonly records: ApiRecord[] = []
  sideEffects = 0
  readonly #auth: AuthServer
  readonly #scripted: ScriptedFailure[] = []

  constructor(auth: AuthServer) {
    this.#auth = auth
  }

  /** The next `count` API requests are answered with `failure`, whatever their token. */
  failNext(failure: ScriptedFailure, count = 1): void {
    for (let i = 0; i < count; i++) this.#scripted.push(failure)
  }

  async handle(request: IncomingMessage, response: ServerResponse, body: BodySummary): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://api.invalid')
    const authorization = request.headers.authorization ?? null
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined
    const claims = bearer ? await this.#auth.verify(bearer) : undefined
    const scripted = this.#scripted.shift()

    const record: ApiRecord = {
      method: request.method ?? 'GET',
      path: url.pathname,
      authScheme: authorization?.split(' ')[0] ?? null,
      authorizationDigest: authorization ? digest(authorization) : null,
      authorizationCount: countHeader(request.rawHeaders, 'authorization'),
      authorized: claims !== undefined,
      bodyDigest: body.digest,
      bodyBytes: body.bytes,
      secFetchSite: headerValue(request, 'sec-fetch-site'),
      secFetchMode: headerValue(request, 'sec-fetch-mode'),
      status: 200,
    }
    this.records.push(record)

    if (scripted) {
      record.status = scripted.status
      const headers: Record<string, string> = { 'Content-Type': 'application/json' }
      if (scripted.status === 401) headers['WWW-Authenticate'] = scripted.wwwAuthenticate ?? 'Bearer error="invalid_token"'
      response.writeHead(scripted.status, headers).end(JSON.stringify({ error: `scripted_${scripted.status}` }))
      return
    }
    if (!claims) {
      record.status = 401
      response
        .writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': bearer ? 'Bearer error="invalid_token"' : 'Bearer' })
        .end(JSON.stringify({ error: bearer ? 'invalid_token' : 'unauthorized' }))
      return
    }
    if (record.method !== 'GET' && record.method !== 'HEAD') this.sideEffects += 1
    const payload =
      url.pathname === '/api/me'
        ? { user: claims.sub, tokenExpiresAt: claims.exp * 1000 }
        : { method: record.method, path: record.path, bodyDigest: record.bodyDigest, bodyBytes: record.bodyBytes }
    response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(payload))
  }
}

function headerValue(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name]
  return typeof value === 'string' ? value : null
}

function countHeader(rawHeaders: string[], name: string): number {
  let count = 0
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === name) count += 1
  return count
}
