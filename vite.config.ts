import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import { createDemoHandler } from './demo/server/createDemoServer.ts'
import { demoBuildDir } from './demo/server/demoBuildDir.ts'
import { tokenProxyWorker } from './vite/index.ts'

const root = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** `vite` (dev) serves the demo's auth and resource APIs from the same origin. */
function demoApis(): Plugin {
  return {
    name: 'sw-token-proxy:demo-apis',
    configureServer(server) {
      const { handle, webSockets } = createDemoHandler({
        auth: {
          accessTtlSeconds: Number(process.env['ACCESS_TTL'] ?? 20),
          refreshTtlSeconds: Number(process.env['REFRESH_TTL'] ?? 120),
          sendRefreshExpiresIn: true,
        },
      })
      server.middlewares.use((request, response, next) => {
        handle(request, response, next).catch(next)
      })
      // The ticketed WebSocket endpoint (/ws); any other upgrade is Vite's own (HMR).
      server.httpServer?.on(
        'upgrade',
        (request: IncomingMessage, socket: Duplex, head: Buffer) =>
          void webSockets.handleUpgrade(request, socket, head),
      )
    },
  }
}

// The demo's workers, built with the plugin the package ships (`sw-token-proxy/vite`). Entries are
// relative to `root` (demo/app).
const workers = [
  tokenProxyWorker({ entry: '../worker/sw.ts' }), // /sw.js
  tokenProxyWorker({ entry: '../worker/sw-oidc.ts', fileName: 'sw-oidc.js' }),
  // The worker as an ES module, for registerTokenProxy({ type: 'module' }) (e2e).
  tokenProxyWorker({ entry: '../worker/sw-module.ts', fileName: 'sw-module.js', type: 'module' }),
  // An app's own Workbox worker (precaching) with the proxy's routes added (e2e).
  tokenProxyWorker({ entry: '../worker/sw-workbox.ts', fileName: 'sw-workbox.js' }),
  // A Workbox worker whose own /api/ route comes before the proxy's: the setup check names it (e2e).
  tokenProxyWorker({ entry: '../worker/sw-workbox-shadowed.ts', fileName: 'sw-workbox-shadowed.js' }),
  // The worker with DPoP on (e2e/dpop.spec.ts).
  tokenProxyWorker({ entry: '../worker/sw-dpop.ts', fileName: 'sw-dpop.js' }),
  // Two APIs with their own tokens, minted with `resource=` and `audience=` (apis.html, e2e).
  tokenProxyWorker({ entry: '../worker/sw-apis.ts', fileName: 'sw-apis.js' }),
  // The per-login API cache (e2e/api-cache.spec.ts).
  tokenProxyWorker({ entry: '../worker/sw-cache.ts', fileName: 'sw-cache.js' }),
  // The session clock: an idle timeout across tabs, a ceiling, warnings (session.html, e2e).
  tokenProxyWorker({ entry: '../worker/sw-session.ts', fileName: 'sw-session.js' }),
  // The session clock with OpenID Connect: a ceiling from the ID token's auth_time (oidc-session.html, e2e).
  tokenProxyWorker({ entry: '../worker/sw-oidc-session.ts', fileName: 'sw-oidc-session.js' }),
]

export default defineConfig({
  root: root('demo/app'),
  publicDir: root('public'),
  plugins: [...workers, demoApis()],
  server: { port: Number(process.env['PORT'] ?? 5173) },
  build: {
    // The demo has its own output folder: dist/ is the library that npm pack publishes.
    outDir: demoBuildDir,
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        main: root('demo/app/index.html'),
        minimal: root('demo/app/minimal.html'),
        oidc: root('demo/app/oidc.html'),
        workers: root('demo/app/workers.html'),
        realtime: root('demo/app/realtime.html'),
        dpop: root('demo/app/dpop.html'),
        apis: root('demo/app/apis.html'),
        session: root('demo/app/session.html'),
        oidcSession: root('demo/app/oidc-session.html'),
        diagnose: root('demo/app/diagnose.html'),
      },
    },
  },
})
