// A recipe: a Vue 3 app (an SFC built by @vitejs/plugin-vue) that follows the session with
// sw-token-proxy/vue: the plugin registers the worker once, useSession() shows who is signed in
// until when, in every tab. e2e/vue-app.spec.ts runs its build against the demo's servers.
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
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
      'sw-token-proxy/vue': here('../../vue/index.ts'),
    },
  },
  build: { outDir: here('dist'), emptyOutDir: true },
  plugins: [
    vue(),
    // Builds src/sw.ts to /sw.js with this config's aliases (sw-token-proxy/sw is the source here),
    // as examples/pwa-app does; nothing is precached. An app that installed the package writes
    // tokenProxyWorker() from sw-token-proxy/vite instead (docs/guides/vue.md).
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: false,
      injectManifest: { injectionPoint: undefined },
    }),
  ],
})
