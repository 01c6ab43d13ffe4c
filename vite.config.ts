import { fileURLToPath } from 'node:url'
import { build, defineConfig, type InlineConfig, type Plugin } from 'vite'
import { createDemoHandler } from './demo/server/createDemoServer.ts'

const root = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** Each worker is one classic script at the site root: every browser with service workers runs it. */
const workerBuild = (entry: string, fileName: string): InlineConfig => ({
  configFile: false,
  logLevel: 'warn',
  // Strips workbox's development-only logging and assertions.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: root('dist'),
    emptyOutDir: false,
    copyPublicDir: false,
    minify: true,
    lib: { entry: root(entry), formats: ['iife'], name: 'swTokenProxy', fileName: () => fileName },
  },
})

const workers = { '/sw.js': 'demo/worker/sw.ts', '/sw-oidc.js': 'demo/worker/sw-oidc.ts' }

/** `vite build` also builds `/sw.js`; `vite` (dev) builds it on request. */
function serviceWorker(): Plugin {
  return {
    name: 'sw-token-proxy:worker',
    async closeBundle() {
      if (this.environment.config.command !== 'build') return
      for (const [path, entry] of Object.entries(workers)) await build(workerBuild(entry, path.slice(1)))
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const entry = workers[new URL(request.url ?? '/', 'http://dev.invalid').pathname as keyof typeof workers]
        if (!entry) return next()
        const config = workerBuild(entry, 'worker.js')
        build({ ...config, build: { ...config.build, write: false, minify: false } })
          .then((output) => {
            const chunk = (Array.isArray(output) ? output[0] : output) as { output: Array<{ code?: string }> }
            response.setHeader('Content-Type', 'text/javascript')
            response.setHeader('Cache-Control', 'no-cache')
            response.end(chunk.output[0]?.code ?? '')
          })
          .catch(next)
      })
    },
  }
}

/** `vite` (dev) serves the demo's auth and resource APIs from the same origin. */
function demoApis(): Plugin {
  return {
    name: 'sw-token-proxy:demo-apis',
    configureServer(server) {
      const { handle } = createDemoHandler({
        auth: { accessTtlSeconds: Number(process.env['ACCESS_TTL'] ?? 20), refreshTtlSeconds: Number(process.env['REFRESH_TTL'] ?? 120) },
      })
      server.middlewares.use((request, response, next) => {
        handle(request, response, next).catch(next)
      })
    },
  }
}

export default defineConfig({
  root: root('demo/app'),
  publicDir: root('public'),
  plugins: [serviceWorker(), demoApis()],
  server: { port: Number(process.env['PORT'] ?? 5173) },
  build: {
    outDir: root('dist'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { main: root('demo/app/index.html'), minimal: root('demo/app/minimal.html'), oidc: root('demo/app/oidc.html') } },
  },
})
