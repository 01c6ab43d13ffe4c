// A recipe: a PWA that prompts to update, built with vite-plugin-pwa's injectManifest
// (registerType 'prompt'), whose own worker (src/sw.ts) hosts the token proxy and activates a new
// version when the page's updateSW() asks. e2e/pwa-update-prompt.spec.ts runs it.
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
      // The default: registerSW() calls onNeedRefresh, and the worker waits for SKIP_WAITING.
      registerType: 'prompt',
      injectRegister: false,
      manifest: false,
      injectManifest: { globPatterns: ['**/*.{html,js,css}'] },
    }),
  ],
})
