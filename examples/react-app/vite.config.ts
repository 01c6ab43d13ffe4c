// A recipe: a React app (Vite + @vitejs/plugin-react) on sw-token-proxy/react. <TokenProxyProvider>
// registers the worker, useSession() shows the user and the token's expiry in every tab, a login
// form posts to the demo's /auth/login with a plain fetch. e2e/react-app.spec.ts runs its build
// against the demo servers.
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
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
      'sw-token-proxy/react': here('../../react/index.ts'),
    },
  },
  build: { outDir: here('dist'), emptyOutDir: true },
  server: { proxy: { '/api': backend, '/auth': backend } },
  plugins: [
    react(),
    // The worker (src/sw.ts → /sw.js), built as pwa-app's is so that it resolves the aliases above;
    // without precaching (no injection point). An app that installed the package writes
    // tokenProxyWorker() from sw-token-proxy/vite instead (see docs/guides/react.md).
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // <TokenProxyProvider> registers /sw.js.
      injectRegister: false,
      manifest: false,
      injectManifest: { injectionPoint: undefined },
    }),
  ],
})
