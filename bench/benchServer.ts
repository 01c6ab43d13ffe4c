import { createServer } from 'node:http'
import type { AuthServerOptions } from '../demo/server/AuthServer.ts'
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

/** A variant, or the proxy with DPoP on (`/sw-dpop.js`, against a server with `auth: { dpop: true }`). */
export type BenchWorker = Variant | 'dpop'

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

/** The worker script each variant registers, by path. */
const benchWorkers: Partial<Record<BenchWorker, { path: string; script?: string }>> = {
  passthrough: { path: '/bench/passthrough-sw.js', script: passthroughWorker },
  'routes-only': { path: '/bench/routes-only-sw.js', script: routesOnlyWorker },
  proxy: { path: '/sw.js' },
  dpop: { path: '/sw-dpop.js' },
}

/** A blank page that registers the variant's worker and marks itself ready once controlled. */
function benchPage(variant: BenchWorker): string {
  const script = benchWorkers[variant]?.path ?? ''
  return `<!doctype html><meta charset="utf-8"><title>bench ${variant}</title><script type="module">
    if (${JSON.stringify(script)}) {
      await navigator.serviceWorker.register(${JSON.stringify(script)})
      while (!navigator.serviceWorker.controller) await new Promise((resolve) => setTimeout(resolve, 10))
    }
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
    const benchWorker = Object.values(benchWorkers).find((worker) => worker.script && worker.path === path)
    if (benchWorker)
      return void response
        .writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' })
        .end(benchWorker.script)
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end()
    })
  })
  const port = await listen(server)
  // Unlike a test, the benchmark wants the browser's connections kept alive between requests.
  server.keepAliveTimeout = 5_000
  return { ...rest, origin: `http://localhost:${port}`, close: () => closeServer(server) }
}
