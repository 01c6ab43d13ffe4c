import { defineConfig } from 'vite'
import { tokenProxyWorker } from 'sw-token-proxy/vite'

export default defineConfig({
  plugins: [tokenProxyWorker()], // src/sw.ts → /sw.js
})
