import type { IncomingMessage, ServerResponse } from 'node:http'
import { decodeJwt } from 'jose'
import type { AuthServer } from './AuthServer.ts'
import { dpopPresentation, type DpopRefusal } from './DpopVerifier.ts'
import { EndpointControl } from './EndpointControl.ts'
import { digest, type BodySummary } from './hash.ts'
import { LiveEvents } from './LiveEvents.ts'
import { resourceApiOf } from './resourceApis.ts'
import type { WebSocketTickets } from './WebSocketTickets.ts'

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
  /** Whether the token was valid when it arrived (with DPoP: and its proof, by the bound key). */
  authorized: boolean
  /**
   * With DPoP on: `'verified'` (a valid proof by the key the token is bound to), or why not
   * (`'wrong_key'`: a valid proof by another key; `'bearer'`: a bound token sent as a bearer
   * token). `null` when the server runs without DPoP.
   */
  dpop: 'verified' | 'wrong_key' | 'bearer' | DpopRefusal | null
  /** The user a bearer token was issued to (its `sub`), valid or not; `null` without one. */
  tokenUser: string | null
  /**
   * Whom a bearer token was minted for (its `aud`), valid or not: an API's own token names it
   * (Policy 11, docs/behaviour.md); the login's own token names none (`null`), as does a request without a token.
   */
  tokenAudience: string | null
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
 * test can prove that a forged request changed nothing. The two APIs of `resourceApis.ts`
 * (`/api/orders/`, `/api/billing/`) accept only tokens minted for them, and say which API they
 * are and whom the token was for; the rest of `/api/` accepts only the login's own token.
 */
export class DemoApi {
  readonly records: ApiRecord[] = []
  /** Test control: hold API responses (each recorded on arrival) until released. */
  readonly control = new EndpointControl()
  sideEffects = 0
  /** Streamed responses (`/api/stream`, `/api/events`) that have sent their last byte. */
  streamsFinished = 0
  /** The server-sent events of `GET /api/live`, and the test controls to push and end them. */
  readonly live = new LiveEvents()
  readonly #waitingStreams: Array<() => void> = []
  readonly #auth: AuthServer
  readonly #tickets: WebSocketTickets
  readonly #scripted: ScriptedFailure[] = []

  /** `tickets` issues the one-time WebSocket tickets of `POST /api/ws-ticket`. */
  constructor(auth: AuthServer, tickets: WebSocketTickets) {
    this.#auth = auth
    this.#tickets = tickets
  }

  /** Lets every streamed response that is waiting send the rest of its body now. */
  releaseStreams(): void {
    for (const release of this.#waitingStreams.splice(0)) release()
  }

  /** The next `count` API requests are answered with `failure`, whatever their token. */
  failNext(failure: ScriptedFailure, count = 1): void {
    for (let i = 0; i < count; i++) this.#scripted.push(failure)
  }

  /**
   * The benchmark's endpoints: the same server work whether or not a token came with the request,
   * and nothing recorded, so every variant measures the worker and nothing else.
   */
  #bench(url: URL, response: ServerResponse): Promise<void> {
    if (url.pathname === '/api/bench/download') return download(Number(url.searchParams.get('bytes') ?? 0), response)
    if (url.pathname === '/api/bench/stream') return this.#stream('/api/stream', response)
    response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end('{"ok":true}')
    return Promise.resolve()
  }

  /**
   * Sends the first chunk at once and the rest 5 s later, or as soon as a test calls
   * `releaseStreams()`: a page that reads the first chunk before then proves nothing buffered it.
   */
  #stream(path: string, response: ServerResponse): Promise<void> {
    const [first, rest] = firstAndRest(path)
    response.writeHead(200, {
      'Content-Type': path === '/api/events' ? 'text/event-stream' : 'text/plain',
      'Cache-Control': 'no-store',
    })
    response.write(first)
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer)
        if (!response.writableEnded) {
          this.streamsFinished += 1
          response.end(rest)
        }
        resolve()
      }
      const timer = setTimeout(finish, 5_000)
      this.#waitingStreams.push(finish)
    })
  }

  async #checkDpop(
    request: IncomingMessage,
    scheme: string | undefined,
    token: string,
    boundTo: string | undefined,
  ): Promise<NonNullable<ApiRecord['dpop']>> {
    if (scheme !== 'DPoP') return 'bearer'
    const check = await this.#auth.dpop!.check(dpopPresentation(request, token), 'api')
    if (!check.ok) return check.refusal
    return check.jkt === boundTo ? 'verified' : 'wrong_key'
  }

  /** The 401's challenge: `DPoP …` (with a nonce when one is asked for) when DPoP is on. */
  #challenge(token: string | undefined, dpop: ApiRecord['dpop']): Record<string, string> {
    const verifier = this.#auth.dpop
    if (!verifier) return { 'WWW-Authenticate': token ? 'Bearer error="invalid_token"' : 'Bearer' }
    if (dpop === 'use_dpop_nonce')
      return { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce", algs="ES256"', 'DPoP-Nonce': verifier.nonce }
    const error = dpop === null || dpop === 'verified' ? 'invalid_token' : 'invalid_dpop_proof'
    return { 'WWW-Authenticate': token ? `DPoP error="${error}", algs="ES256"` : 'DPoP algs="ES256"' }
  }

  async handle(request: IncomingMessage, response: ServerResponse, body: BodySummary): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://api.invalid')
    if (url.pathname.startsWith('/api/bench/')) return this.#bench(url, response)
    const authorization = request.headers.authorization ?? null
    const scheme = authorization?.split(' ')[0]
    const bearer = scheme === 'Bearer' || scheme === 'DPoP' ? authorization!.slice(scheme.length + 1) : undefined
    const resourceApi = resourceApiOf(url.pathname)
    const verified = bearer ? await this.#auth.verify(bearer, resourceApi?.value) : undefined
    // DPoP (RFC 9449 §7): a bound token needs the DPoP scheme and a proof by its key, for this
    // request and this token (`ath`). Without DPoP on the server, a token is a bearer token.
    const dpop = this.#auth.dpop && bearer ? await this.#checkDpop(request, scheme, bearer, verified?.jkt) : null
    const claims = verified && (dpop === null || dpop === 'verified') ? verified : undefined
    const scripted = this.#scripted.shift()

    const record: ApiRecord = {
      method: request.method ?? 'GET',
      path: url.pathname,
      authScheme: authorization?.split(' ')[0] ?? null,
      authorizationDigest: authorization ? digest(authorization) : null,
      authorizationCount: countHeader(request.rawHeaders, 'authorization'),
      authorized: claims !== undefined,
      dpop,
      tokenUser: bearer ? subjectOf(bearer) : null,
      tokenAudience: bearer ? audienceOf(bearer) : null,
      bodyDigest: body.digest,
      bodyBytes: body.bytes,
      secFetchSite: headerValue(request, 'sec-fetch-site'),
      secFetchMode: headerValue(request, 'sec-fetch-mode'),
      status: 200,
    }
    this.records.push(record)
    await this.control.passage()

    if (scripted) {
      record.status = scripted.status
      const headers: Record<string, string> = { 'Content-Type': 'application/json' }
      if (scripted.status === 401)
        headers['WWW-Authenticate'] = scripted.wwwAuthenticate ?? 'Bearer error="invalid_token"'
      response.writeHead(scripted.status, headers).end(JSON.stringify({ error: `scripted_${scripted.status}` }))
      return
    }
    if (!claims) {
      record.status = 401
      response
        .writeHead(401, { 'Content-Type': 'application/json', ...this.#challenge(bearer, dpop) })
        .end(JSON.stringify({ error: bearer ? 'invalid_token' : 'unauthorized' }))
      return
    }
    if (record.method !== 'GET' && record.method !== 'HEAD') this.sideEffects += 1
    if (url.pathname === '/api/session/revoke' && record.method === 'POST') {
      // The demo's "an administrator revoked this session": the next refresh is refused.
      this.#auth.revokeSession(claims.sid)
      response.writeHead(204).end()
      return
    }
    if (url.pathname === '/api/stream' || url.pathname === '/api/events') return this.#stream(url.pathname, response)
    if (url.pathname === '/api/live' && record.method === 'GET') {
      const lastEventId = headerValue(request, 'last-event-id')
      this.live.open(response, { user: claims.sub, tokenDigest: record.authorizationDigest ?? '', lastEventId })
      return
    }
    if (url.pathname === '/api/ws-ticket' && record.method === 'POST') {
      // The bearer proved who asks; the ticket carries that to the WebSocket handshake, once.
      const ticket = this.#tickets.issue(claims.sub)
      response
        .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify({ ticket, expires_in: this.#tickets.lifetimeSeconds }))
      return
    }
    if (url.pathname === '/api/redirect') {
      // An open redirect on the API: the classic way a bearer token could be carried off-site.
      response.writeHead(302, { Location: url.searchParams.get('to') ?? '/' }).end()
      return
    }
    if (url.pathname === '/api/download') return download(Number(url.searchParams.get('bytes') ?? 0), response)
    const payload = resourceApi
      ? { api: resourceApi.name, user: claims.sub, tokenAudience: record.tokenAudience }
      : url.pathname === '/api/me'
        ? { user: claims.sub, tokenExpiresAt: claims.exp * 1000 }
        : { method: record.method, path: record.path, bodyDigest: record.bodyDigest, bodyBytes: record.bodyBytes }
    response
      .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      .end(JSON.stringify(payload))
  }
}

function download(bytes: number, response: ServerResponse): Promise<void> {
  response.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(bytes),
    'Cache-Control': 'no-store',
  })
  const chunk = Buffer.alloc(Math.min(bytes, 256 * 1024), 7)
  let sent = 0
  return new Promise((resolve) => {
    const pump = () => {
      while (sent < bytes) {
        const size = Math.min(chunk.byteLength, bytes - sent)
        sent += size
        if (!response.write(size === chunk.byteLength ? chunk : chunk.subarray(0, size)))
          return void response.once('drain', pump)
      }
      response.end(resolve)
    }
    response.once('close', resolve)
    pump()
  })
}

function subjectOf(token: string): string | null {
  try {
    const { sub } = decodeJwt(token)
    return typeof sub === 'string' ? sub : null
  } catch {
    return null
  }
}

function audienceOf(token: string): string | null {
  try {
    const { aud } = decodeJwt(token)
    return typeof aud === 'string' ? aud : null
  } catch {
    return null
  }
}

function headerValue(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name]
  return typeof value === 'string' ? value : null
}

function firstAndRest(path: string): [string, string] {
  return path === '/api/events' ? ['data: first\n\n', 'data: rest\n\n'] : ['first chunk\n', 'rest of the body\n']
}

function countHeader(rawHeaders: string[], name: string): number {
  let count = 0
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === name) count += 1
  return count
}
