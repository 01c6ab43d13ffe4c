// A recipe: a PWA built with vite-plugin-pwa's injectManifest whose own Workbox worker (src/sw.ts:
// precaching) hosts the token proxy in Workbox mode, signing in with OpenID Connect
// (addTokenProxyRoutes({ oidc: openIdConnect(…) })). e2e/pwa-oidc.spec.ts runs it against oidc-provider.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  root: here('.'),
  // In an app that installed the package these resolve through its "exports"; here, to the source.
  resolve: {
    alias: {
      'sw-token-proxy/sw/oidc': here('../../sw/oidc/index.ts'),
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
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: false,
      injectManifest: { globPatterns: ['**/*.{html,js,css}'] },
    }),
  ],
})
