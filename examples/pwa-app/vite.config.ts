// A recipe: an offline-first PWA built with vite-plugin-pwa's injectManifest, whose own worker
// (src/sw.ts: Workbox precaching) hosts the token proxy, and whose page registers it with the
// plugin's own registerSW() before registerTokenProxy(). e2e/pwa.spec.ts runs its build;
// e2e/pwa-dev.spec.ts runs it under `vite` (dev), with the plugin's dev worker.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** The app's backend (login, refresh, API), which `vite` (dev) forwards to. */
const backend = process.env['API_ORIGIN'] ?? 'http://localhost:8080'

export default defineConfig({
  root: here('.'),
  // In an app that installed the package these resolve through its "exports"; here, to the source.
  resolve: {
    alias: {
      'sw-token-proxy/sw': here('../../sw/index.ts'),
      'sw-token-proxy/client': here('../../client/index.ts'),
    },
  },
  build: { outDir: here('dist'), emptyOutDir: true },
  // `vite` (dev): the page and the worker on the dev server's origin, the backend behind it.
  server: { proxy: { '/api': backend, '/auth': backend } },
  // The dev worker's dependencies (Workbox, the proxy's) pre-bundled when the server starts, rather
  // than discovered while the browser installs the worker (a re-bundle then may reload the page).
  optimizeDeps: { entries: ['index.html', 'src/sw.ts'] },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // The page registers the worker itself, with registerSW() from virtual:pwa-register.
      injectRegister: false,
      manifest: false,
      injectManifest: { globPatterns: ['**/*.{html,js,css}'] },
      // `vite` (dev) serves src/sw.ts as an ES module worker at /dev-sw.js?dev-sw (an empty
      // precache manifest); src/main.ts registers that URL there.
      devOptions: { enabled: true, type: 'module' },
    }),
  ],
})
