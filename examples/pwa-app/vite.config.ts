// A recipe: an offline-first PWA built with vite-plugin-pwa's injectManifest, whose own worker
// (src/sw.ts: Workbox precaching) hosts the token proxy, and whose page registers it with the
// plugin's own registerSW() before registerTokenProxy(). e2e/pwa.spec.ts runs it.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

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
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // The page registers the worker itself, with registerSW() from virtual:pwa-register.
      injectRegister: false,
      manifest: false,
      injectManifest: { globPatterns: ['**/*.{html,js,css}'] },
    }),
  ],
})
