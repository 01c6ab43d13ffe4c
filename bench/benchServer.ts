import { createServer } from 'node:http'
import type { AuthServer, AuthServerOptions } from '../demo/server/AuthServer.ts'
import { createDemoHandler } from '../demo/server/createDemoServer.ts'
import { closeServer, listen } from '../demo/server/listen.ts'

/**
 * The worker variants the benchmark compares: no worker at all, the floor (a worker that only
 * forwards `/api/` requests with `respondWith(fetch(request))`), the floor with static routes
 * (`routes-only`), and the token proxy.
 * The pass-through worker declares no static routes, on purpose: every request in its scope wakes
 * it, as with most service workers, so the off-API figures show what the proxy's routes remove.
 */
export type Variant = 'none' | 'passthrough' | 'routes-only' | 'proxy'

/**
 * The floors of the proxy's API path, each the least a worker that adds the token must do:
 * `header-only` adds `Authorization: Bearer` with a token it holds in a module variable (the
 * steady-state floor), `idb-floor` also reads the token from IndexedDB once per worker start (the
 * cold-start floor). Neither has static routes: off the API they are the pass-through worker.
 */
export type FloorVariant = 'header-only' | 'idb-floor'

/**
 * A variant, a floor, the proxy with DPoP on (`/sw-dpop.js`, against a server with
 * `auth: { dpop: true }`), or the proxy with its decision log on (`proxy-log`: `/sw.js`, and the
 * page follows the log as `registerTokenProxy({ debug: true })` does, so every API request posts
 * its decisions to the page).
 */
export type BenchWorker = Variant | FloorVariant | 'dpop' | 'proxy-log'

/**
 * Where the `idb-floor` worker reads its token: its own database, with a record shaped like the
 * proxy's (`{ generation, tokens: { accessToken, … } }`, see `sw/tokenStore.ts`). The bench page
 * writes it after logging in (`tabs.ts`).
 */
export const IDB_FLOOR_DATABASE = { name: 'bench-idb-floor', store: 'session', key: 'current' } as const

const fetchListener = `
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (event) => {
  if (new URL(event.request.url).pathname.startsWith('/api/')) event.respondWith(fetch(event.request))
})
`

const passthroughWorker = `self.addEventListener('install', () => self.skipWaiting())${fetchListener}`

/**
 * The pass-through worker plus one static route that sends everything outside `/api/*` to the
 * network: the floor any static-routed worker pays off the API, whatever its rules. The proxy's
 * off-API figures are read against it as well as against no worker.
 */
const routesOnlyWorker = `self.addEventListener('install', (event) => {
  self.skipWaiting()
  event.waitUntil(event.addRoutes({ condition: { not: { urlPattern: '/api/*' } }, source: 'network' }))
})${fetchListener}`

/**
 * The `header-only` worker: adds the token it holds to every `/api/` request, nothing else (no
 * routes, no IndexedDB, no refresh, no replay). The token is a real one from the bench server's
 * auth server, written into the script as a constant (`tokenLiteral`), so the header has the
 * proxy's size; the benchmark endpoints do not check it.
 */
const headerOnlyWorker = (tokenLiteral: string) => `let accessToken = ${tokenLiteral}
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (event) => {
  if (!new URL(event.request.url).pathname.startsWith('/api/')) return
  const headers = new Headers(event.request.headers)
  headers.set('Authorization', 'Bearer ' + accessToken)
  event.respondWith(fetch(new Request(event.request, { headers })))
})
`

/**
 * The `idb-floor` worker: on its first `/api/` request after a start it opens IndexedDB (raw, no
 * library) and reads the one record, then adds the token as `header-only` does; later requests
 * reuse the token read (as the proxy keeps the record it read in memory).
 */
const idbFloorWorker = `const database = ${JSON.stringify(IDB_FLOOR_DATABASE)}
let accessToken
const readAccessToken = () =>
  new Promise((resolve, reject) => {
    const opening = indexedDB.open(database.name)
    opening.onupgradeneeded = () => opening.result.createObjectStore(database.store)
    opening.onerror = () => reject(opening.error)
    opening.onsuccess = () => {
      const reading = opening.result.transaction(database.store).objectStore(database.store).get(database.key)
      reading.onerror = () => reject(reading.error)
      reading.onsuccess = () => resolve(reading.result?.tokens?.accessToken)
    }
  })
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (event) => {
  if (!new URL(event.request.url).pathname.startsWith('/api/')) return
  accessToken ??= readAccessToken()
  event.respondWith(
    accessToken.then((token) => {
      const headers = new Headers(event.request.headers)
      if (token) headers.set('Authorization', 'Bearer ' + token)
      return fetch(new Request(event.request, { headers }))
    }),
  )
})
`

/** What a bench worker's script may need from its server. */
interface ScriptContext {
  /** A real access token from this server, minted once (so the script never changes between update checks). */
  accessToken(): Promise<string>
}

/** The worker script each variant registers, by path; `script` for the ones the bench server makes. */
const benchWorkers: Partial<
  Record<BenchWorker, { path: string; script?: (context: ScriptContext) => string | Promise<string> }>
> = {
  passthrough: { path: '/bench/passthrough-sw.js', script: () => passthroughWorker },
  'routes-only': { path: '/bench/routes-only-sw.js', script: () => routesOnlyWorker },
  'header-only': {
    path: '/bench/header-only-sw.js',
    script: async (context) => headerOnlyWorker(JSON.stringify(await context.accessToken())),
  },
  'idb-floor': { path: '/bench/idb-floor-sw.js', script: () => idbFloorWorker },
  proxy: { path: '/sw.js' },
  'proxy-log': { path: '/sw.js' },
  dpop: { path: '/sw-dpop.js' },
}

/**
 * `proxy-log`'s page: asks the worker for its decision log, as the client does (and again every 20
 * seconds, as it does, in case the worker stopped meanwhile), and counts the decisions it receives.
 */
const followDecisions = `
    const follow = () => {
      const channel = new MessageChannel()
      navigator.serviceWorker.controller?.postMessage(
        { source: 'sw-token-proxy', type: 'FOLLOW_DECISIONS', payload: { on: true } },
        [channel.port2],
      )
      return new Promise((resolve) => (channel.port1.onmessage = (event) => resolve(event.data)))
    }
    globalThis.decisionsReceived = 0
    navigator.serviceWorker.addEventListener('message', (event) => {
      if (event.data?.type === 'DECISIONS') globalThis.decisionsReceived += event.data.payload.decisions.length
    })
    await follow()
    setInterval(follow, 20_000)`

/** A blank page that registers the variant's worker and marks itself ready once controlled. */
function benchPage(variant: BenchWorker): string {
  const script = benchWorkers[variant]?.path ?? ''
  return `<!doctype html><meta charset="utf-8"><title>bench ${variant}</title><script type="module">
    if (${JSON.stringify(script)}) {
      await navigator.serviceWorker.register(${JSON.stringify(script)})
      while (!navigator.serviceWorker.controller) await new Promise((resolve) => setTimeout(resolve, 10))
    }${variant === 'proxy-log' ? followDecisions : ''}
    document.documentElement.dataset.ready = 'yes'
  </script>`
}

/**
 * What the off-API measurements ask for: a page to navigate to and a small JSON answer, neither
 * of them owned by the proxy. `no-store`, so every navigation and fetch reaches this server and
 * the figures compare the way to the network, not the browser's cache.
 */
const plainPage =
  '<!doctype html><meta charset="utf-8"><title>bench plain page</title><p>A page that registers no worker.</p>'
const plainJson = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item ${i}` })) })

export interface BenchServer extends Omit<ReturnType<typeof createDemoHandler>, 'handle'> {
  origin: string
  close(): Promise<void>
}

/** One origin per variant and run, so registrations and sessions never mix. */
export async function startBenchServer(
  variant: BenchWorker,
  staticDir: string,
  auth: Partial<AuthServerOptions> = {},
): Promise<BenchServer> {
  const { handle, ...rest } = createDemoHandler({ staticDir, auth })
  let accessToken: Promise<string> | undefined
  const scriptContext: ScriptContext = { accessToken: () => (accessToken ??= mintAccessToken(rest.auth)) }
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://bench.invalid').pathname
    if (path === '/bench/page.html')
      return void response.writeHead(200, { 'Content-Type': 'text/html' }).end(benchPage(variant))
    if (path === '/bench/plain.html')
      return void response.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' }).end(plainPage)
    if (path === '/bench/data.json')
      return void response
        .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(plainJson)
    const script = Object.values(benchWorkers).find((worker) => worker.path === path)?.script
    const answer = script
      ? Promise.resolve(script(scriptContext)).then((source) => {
          response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' }).end(source)
        })
      : handle(request, response)
    answer.catch(() => {
      if (!response.headersSent) response.writeHead(500).end()
    })
  })
  const port = await listen(server)
  // Unlike a test, the benchmark wants the browser's connections kept alive between requests.
  server.keepAliveTimeout = 5_000
  return { ...rest, origin: `http://localhost:${port}`, close: () => closeServer(server) }
}

async function mintAccessToken(auth: AuthServer): Promise<string> {
  const login = await auth.login('demo', 'demo')
  if (login.status !== 200) throw new Error(`[sw-token-proxy bench] The bench login answered ${login.status}.`)
  return login.body.access_token
}
