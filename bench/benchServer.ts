import { createServer } from 'node:http'
import type { AuthServerOptions } from '../demo/server/AuthServer.ts'
import { createDemoHandler } from '../demo/server/createDemoServer.ts'
import { closeServer, listen } from '../demo/server/listen.ts'

/**
 * The worker variants the benchmark compares: no worker at all, the floor (a worker that only
 * forwards `/api/` requests with `respondWith(fetch(request))`), and the token proxy.
 */
export type Variant = 'none' | 'passthrough' | 'proxy'

const passthroughWorker = `
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (event) => {
  if (new URL(event.request.url).pathname.startsWith('/api/')) event.respondWith(fetch(event.request))
})
`

/** A blank page that registers the variant's worker and marks itself ready once controlled. */
function benchPage(variant: Variant): string {
  const script = variant === 'none' ? '' : variant === 'passthrough' ? '/bench/passthrough-sw.js' : '/sw.js'
  return `<!doctype html><meta charset="utf-8"><title>bench ${variant}</title><script type="module">
    if (${JSON.stringify(script)}) {
      await navigator.serviceWorker.register(${JSON.stringify(script)})
      while (!navigator.serviceWorker.controller) await new Promise((resolve) => setTimeout(resolve, 10))
    }
    document.documentElement.dataset.ready = 'yes'
  </script>`
}

export interface BenchServer extends Omit<ReturnType<typeof createDemoHandler>, 'handle'> {
  origin: string
  close(): Promise<void>
}

/** One origin per variant and run, so registrations and sessions never mix. */
export async function startBenchServer(variant: Variant, staticDir: string, auth: Partial<AuthServerOptions> = {}): Promise<BenchServer> {
  const { handle, ...rest } = createDemoHandler({ staticDir, auth })
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://bench.invalid').pathname
    if (path === '/bench/page.html') return void response.writeHead(200, { 'Content-Type': 'text/html' }).end(benchPage(variant))
    if (path === '/bench/passthrough-sw.js') return void response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' }).end(passthroughWorker)
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end()
    })
  })
  const port = await listen(server)
  // Unlike a test, the benchmark wants the browser's connections kept alive between requests.
  server.keepAliveTimeout = 5_000
  return { ...rest, origin: `http://localhost:${port}`, close: () => closeServer(server) }
}
