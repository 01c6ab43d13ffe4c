// A recipe: Mock Service Worker (msw 2.x) beside the token proxy. A scope has one service worker,
// so src/sw.ts is both: installTokenProxyWithMsw() loads msw's own, unmodified mockServiceWorker.js
// with importScripts. The page mocks part of the API (src/handlers.ts); the rest reaches the real
// server with the token. msw's script is copied from node_modules at build time (and served in
// `vite` dev), never committed, so an msw update brings its own. e2e/msw.spec.ts runs the build.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import { tokenProxyWorker } from '../../vite/index.ts'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** The app's backend (login, refresh, API), which `vite` (dev) forwards to. */
const backend = process.env['API_ORIGIN'] ?? 'http://localhost:8080'

/** msw's mockServiceWorker.js next to /sw.js: written by the build, served by `vite` (dev). */
function mockServiceWorkerScript(): Plugin {
  const script = () => readFileSync(createRequire(import.meta.url).resolve('msw/mockServiceWorker.js'), 'utf8')
  return {
    name: 'msw-app:mock-service-worker',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'mockServiceWorker.js', source: script() })
    },
    configureServer(server) {
      server.middlewares.use('/mockServiceWorker.js', (_request, response) => {
        response.setHeader('Content-Type', 'text/javascript')
        response.end(script())
      })
    },
  }
}

export default defineConfig({
  root: here('.'),
  // In an app that installed the package these resolve through its "exports"; here, to the source.
  resolve: { alias: { 'sw-token-proxy/client': here('../../client/index.ts') } },
  build: { outDir: here('dist'), emptyOutDir: true },
  server: { proxy: { '/api': backend, '/auth': backend } },
  // In an app: import { tokenProxyWorker } from 'sw-token-proxy/vite'. src/sw.ts → /sw.js.
  plugins: [tokenProxyWorker(), mockServiceWorkerScript()],
})
