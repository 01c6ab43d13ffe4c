import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import type { Duplex } from 'node:stream'
import { join } from 'node:path'
import sirv from 'sirv'
import { AuthServer, type AuthResult, type AuthServerOptions } from './AuthServer.ts'
import { DemoApi } from './DemoApi.ts'
import { dpopPresentation } from './DpopVerifier.ts'
import { summarizeBody } from './hash.ts'
import { EndpointControl } from './EndpointControl.ts'
import { RESOURCE_APIS, resourceApiOf } from './resourceApis.ts'
import { closeServer, listen } from './listen.ts'
import { TicketedWebSockets } from './TicketedWebSockets.ts'
import { WebSocketTickets } from './WebSocketTickets.ts'

export interface DemoServerOptions {
  auth?: Partial<AuthServerOptions>
  /** Serves the built demo (`demoBuildDir`, `demo/dist/`) when given. */
  staticDir?: string
  /**
   * Requests this server answers before its own routes (`npm start`'s OpenID Connect config and
   * API, the redirects to the DPoP origin): answers `true` when it took the request.
   */
  routes?: (request: IncomingMessage, response: ServerResponse, path: string) => boolean
}

type Next = () => void

/** A request as `requestLog` keeps it. */
interface RecordedRequest {
  method: string
  /** The request target as the server received it: path and query (`/static?next=/api/`). */
  target: string
  /** `Bearer`, `DPoP`… of the request's `Authorization`; `null` without one. */
  authScheme: string | null
}

/** Refresh outcomes that minted a token. */
const RENEWED: ReadonlySet<string> = new Set(['rotated', 'renewed', 'grace'])

/**
 * One origin with everything the demo needs: the auth API (`/auth/login`, `/auth/refresh`,
 * `/auth/logout`), the resource API (`/api/…`), the server's own counters (`/demo/stats`) and,
 * when `staticDir` is given, the built page and `/sw.js`. `webSockets.handleUpgrade` serves the
 * ticketed WebSocket endpoint (`/ws`) from the HTTP server's `upgrade` event.
 */
export function createDemoHandler(options: DemoServerOptions = {}) {
  /**
   * Test controls for `/sw.js`: `variant` is appended (a new worker version), `transform` rewrites
   * the script (say, another library version). Reachable from the test process only.
   */
  const worker: { variant: string; transform: ((script: string) => string) | undefined } = {
    variant: '',
    transform: undefined,
  }
  /** Test control: extra HTML pages by path, for pages the demo does not have. */
  const pages = new Map<string, string>()
  /** Test control: extra response headers by path (a page's Content-Security-Policy, say). */
  const headers = new Map<string, Record<string, string>>()
  const auth = new AuthServer(options.auth)
  const tickets = new WebSocketTickets()
  const api = new DemoApi(auth, tickets)
  const webSockets = new TicketedWebSockets(tickets)
  const refreshControl = new EndpointControl()
  const loginControl = new EndpointControl()
  const logoutControl = new EndpointControl()
  const serveStatic = options.staticDir
    ? sirv(options.staticDir, {
        etag: true,
        setHeaders(response, pathname) {
          // The worker script must be revalidated on every update check.
          if (pathname === '/sw.js' || pathname.endsWith('.html')) response.setHeader('Cache-Control', 'no-cache')
        },
      })
    : undefined

  /** Every request that reached this server, as `METHOD /path` (no query, no headers). */
  const requests: string[] = []
  /**
   * Every request that reached this server, whatever its path (`app.api.records` has only the
   * API's): its path and query as sent, and the scheme of its `Authorization`, never the value.
   */
  const requestLog: RecordedRequest[] = []

  /** Test control: while `down`, every request's connection is dropped unanswered (as offline). */
  const network = { down: false }

  async function handle(request: IncomingMessage, response: ServerResponse, next?: Next): Promise<void> {
    if (network.down) return void request.socket.destroy()
    const path = new URL(request.url ?? '/', 'http://demo.invalid').pathname
    requests.push(`${request.method ?? 'GET'} ${path}`)
    requestLog.push({
      method: request.method ?? 'GET',
      target: request.url ?? '/',
      authScheme: request.headers.authorization?.split(' ', 1)[0] ?? null,
    })
    for (const [name, value] of Object.entries(headers.get(path) ?? {})) response.setHeader(name, value)
    if (options.routes?.(request, response, path)) return
    if (path.startsWith('/api/') || path === '/api') return api.handle(request, response, await summarizeBody(request))
    if (request.method === 'POST' && path === '/auth/login') {
      return controlled(loginControl, request, response, (body) =>
        auth.login(body['username'], body['password'], dpopPresentation(request)),
      )
    }
    if (request.method === 'POST' && path === '/auth/refresh') {
      return controlled(
        refreshControl,
        request,
        response,
        (body) =>
          auth.refresh(body['refresh_token'], dpopPresentation(request), {
            resource: body['resource'],
            audience: body['audience'],
          }),
        // `refreshControl.hold(value)` holds only the renewals of the API that value names.
        (body) => targetOf(body),
      )
    }
    if (request.method === 'POST' && path === '/auth/logout') {
      if (logoutControl.takeFault()?.kind === 'reset') return void request.socket.destroy()
      const refusal = await auth.logout(
        request.headers.authorization?.replace(/^(Bearer|DPoP) /, ''),
        dpopPresentation(request),
      )
      // DPoP: a proof without the server's nonce is challenged, as the API does (RFC 9449 §9).
      const challenge = refusal && {
        'WWW-Authenticate': 'DPoP error="use_dpop_nonce", algs="ES256"',
        'DPoP-Nonce': auth.dpop!.nonce,
      }
      logoutControl.deliver(() => {
        if (!response.destroyed) response.writeHead(challenge ? 401 : 204, challenge ?? {}).end()
      })
      return
    }
    if (path === '/demo/sign-in-required') {
      // A login page that answers 401, as some gateways do: where an API redirect may land.
      return void response
        .writeHead(401, { 'Content-Type': 'text/html', 'WWW-Authenticate': 'Bearer' })
        .end('<p>Please sign in.</p>')
    }
    if (path === '/demo/stats') {
      const apiCalls = api.records.filter((record) => record.path !== '/demo/stats')
      const stats = {
        ...auth.counters,
        apiCalls: apiCalls.length,
        api401s: apiCalls.filter((record) => record.status === 401).length,
        accessTtlSeconds: auth.options.accessTtlSeconds,
        refreshTtlSeconds: auth.options.refreshTtlSeconds,
        rotation: auth.options.rotation,
      }
      response
        .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify(stats))
      return
    }
    if (path === '/demo/last-api-call') {
      // For the DPoP page: how the last API request was authorised, as the API saw it (no token).
      const last = api.records.at(-1)
      const call = last && { path: last.path, authScheme: last.authScheme, dpop: last.dpop, status: last.status }
      response
        .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify(call ?? null))
      return
    }
    if (path === '/demo/apis') {
      // Policy 11 (docs/behaviour.md), for the demo page: per API, whom the tokens it received were minted for (their
      // `aud`, `null` for the login's own token), and how many refreshes minted its token.
      const apis = [
        { name: 'main', prefix: '/api/', value: null as string | null },
        ...RESOURCE_APIS.map(({ name, prefix, value }) => ({ name, prefix, value })),
      ].map(({ name, prefix, value }) => ({
        name,
        prefix,
        tokensMintedFor: [
          ...new Set(
            api.records
              .filter((record) => record.authScheme !== null && (resourceApiOf(record.path)?.name ?? 'main') === name)
              .map((record) => record.tokenAudience),
          ),
        ],
        renewals: auth.refreshLog.filter(
          (entry) => RENEWED.has(entry.outcome) && (entry.resource ?? entry.audience) === value,
        ).length,
      }))
      response
        .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify(apis))
      return
    }
    const page = pages.get(path)
    if (page !== undefined) return void response.writeHead(200, { 'Content-Type': 'text/html' }).end(page)
    if (path === '/sw.js' && (worker.variant || worker.transform) && options.staticDir) {
      const script = await readFile(join(options.staticDir, 'sw.js'), 'utf8')
      const served = `${worker.transform ? worker.transform(script) : script}\n// ${worker.variant}\n`
      response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' }).end(served)
      return
    }
    if (serveStatic) return serveStatic(request, response, next ?? (() => notFound(response)))
    if (next) return next()
    notFound(response)
  }

  /**
   * Answers an auth endpoint, unless its control injects a fault or holds the answer (`keyOf`: the
   * key a held answer is held under, see `EndpointControl.hold`).
   */
  async function controlled(
    control: EndpointControl,
    request: IncomingMessage,
    response: ServerResponse,
    answer: (body: Record<string, unknown>) => Promise<AuthResult<unknown>>,
    keyOf: (body: Record<string, unknown>) => string | undefined = () => undefined,
  ): Promise<void> {
    const body = await readSmallBody(request)
    const fault = control.takeFault()
    if (fault?.kind === 'reset') return void request.socket.destroy()
    if (fault?.kind === 'hang') return
    const result = fault ? undefined : await answer(body)
    control.deliver(() => {
      if (response.destroyed) return
      if (!fault) return sendAuth(response, result as AuthResult<unknown>)
      if (fault.kind === 'body') {
        response.writeHead(200, { 'Content-Type': fault.contentType ?? 'application/json' }).end(fault.body)
        return
      }
      response
        .writeHead(fault.status, { 'Content-Type': fault.contentType ?? 'application/json', ...fault.headers })
        .end(fault.body ?? JSON.stringify({ error: 'server_error' }))
    }, keyOf(body))
  }

  return {
    handle,
    auth,
    api,
    tickets,
    webSockets,
    refreshControl,
    loginControl,
    logoutControl,
    worker,
    pages,
    headers,
    requests,
    requestLog,
    network,
  }
}

type DemoHandler = ReturnType<typeof createDemoHandler>

export interface RunningDemoServer extends Omit<DemoHandler, 'handle'> {
  /** `http://localhost:PORT` */
  origin: string
  server: Server
  close(): Promise<void>
}

/** Starts the demo on `port` (0 picks a free one) and resolves once it is listening. */
export async function startDemoServer(
  options: DemoServerOptions & { port?: number; host?: string } = {},
): Promise<RunningDemoServer> {
  const { handle, ...rest } = createDemoHandler(options)
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('[demo server]', error instanceof Error ? error.message : error)
      if (!response.headersSent) response.writeHead(500).end()
    })
  })
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!rest.webSockets.handleUpgrade(request, socket, head)) socket.destroy()
  })
  const port = await listen(server, options.port, options.host)
  const close = () => {
    rest.webSockets.close()
    return closeServer(server)
  }
  return { ...rest, origin: `http://localhost:${port}`, server, close }
}

async function readSmallBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength
    if (size > 64 * 1024) return {}
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if ((request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text))
  }
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function sendAuth(response: ServerResponse, result: AuthResult<unknown>): void {
  response
    .writeHead(result.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...result.headers })
    .end(JSON.stringify(result.body))
}

/** The API a refresh asks its token for (Policy 11): its `resource`, else its `audience`. */
function targetOf(body: Record<string, unknown>): string | undefined {
  const { resource, audience } = body
  if (typeof resource === 'string') return resource
  return typeof audience === 'string' ? audience : undefined
}

function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found')
}
