import { existsSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { formatMessage } from '../protocol/errors.js'
import { build, type InlineConfig, type Plugin, type ResolvedConfig } from 'vite'

/** What {@link tokenProxyWorker} builds, and where. */
export interface TokenProxyWorkerOptions {
  /** The worker's source, relative to Vite's `root`. Default `'src/sw.ts'`. */
  entry?: string
  /**
   * The script's name under `base` at the site root. Default `'sw.js'`, which is what
   * `registerTokenProxy()` registers by default. The worker's scope is this file's folder, so
   * keep it at the root unless the app lives in a sub-path.
   */
  fileName?: string
  /**
   * `'classic'` (default): one script with no `import`, which every browser with service workers
   * runs. `'module'`: an ES module; register it with `registerTokenProxy({ type: 'module' })`.
   */
  type?: 'classic' | 'module'
  /**
   * More compile-time constants for the worker bundle, as in Vite's `define`. The plugin always
   * defines `process.env.NODE_ENV` as `"production"`: Workbox reads it, and a worker script has no
   * `process`.
   */
  define?: Record<string, string>
}

/**
 * A Vite plugin that builds the app's service worker (`src/sw.ts`, which calls
 * `installTokenProxy()`) as one classic script at the site root: `vite build` writes it to the
 * output folder next to the app, `vite` (dev) builds it afresh on every request for it, and
 * `vite preview` serves the built one. The worker bundle gets `process.env.NODE_ENV` and the
 * app's `import.meta.env` (same `mode`, `.env` files and `envPrefix`); the app's other plugins
 * and aliases are not applied to it.
 *
 * @example
 * ```ts
 * // vite.config.ts
 * import { defineConfig } from 'vite'
 * import { tokenProxyWorker } from 'sw-token-proxy/vite'
 *
 * export default defineConfig({
 *   plugins: [tokenProxyWorker()], // src/sw.ts → /sw.js
 * })
 * ```
 */
export function tokenProxyWorker(options: TokenProxyWorkerOptions = {}): Plugin {
  const { entry = 'src/sw.ts', type = 'classic', define = {} } = options
  const fileName = (options.fileName ?? 'sw.js').replace(/^\/+/, '')
  let config: ResolvedConfig | undefined

  function workerBuild(
    resolved: ResolvedConfig,
    build: { outDir: string; write: boolean; minify: boolean },
  ): InlineConfig {
    const source = resolve(resolved.root, entry)
    if (!existsSync(source)) {
      throw new Error(
        formatMessage(
          'build the service worker',
          `${relative(process.cwd(), source)} does not exist`,
          'Write it (see the README), or name yours with tokenProxyWorker({ entry })',
        ),
      )
    }
    return {
      configFile: false,
      root: resolved.root,
      mode: resolved.mode,
      envDir: resolved.envDir,
      envPrefix: resolved.envPrefix,
      publicDir: false,
      logLevel: 'warn',
      define: { 'process.env.NODE_ENV': JSON.stringify('production'), ...define },
      build: {
        ...build,
        emptyOutDir: false,
        copyPublicDir: false,
        sourcemap: build.write ? resolved.build.sourcemap : false,
        lib: {
          entry: source,
          formats: [type === 'module' ? 'es' : 'iife'],
          name: 'tokenProxyWorker',
          fileName: () => fileName,
        },
      },
    }
  }

  return {
    name: 'sw-token-proxy:worker',

    configResolved(resolved) {
      config = resolved
    },

    configureServer(server) {
      const base = server.config.base.startsWith('/') ? server.config.base : '/'
      const path = `${base}${fileName}`
      server.middlewares.use((request, response, next) => {
        if (new URL(request.url ?? '/', 'http://dev.invalid').pathname !== path) return next()
        Promise.resolve()
          .then(() =>
            build(workerBuild(server.config, { outDir: server.config.build.outDir, write: false, minify: false })),
          )
          .then((result) => {
            response.setHeader('Content-Type', 'text/javascript')
            response.setHeader('Cache-Control', 'no-cache')
            response.end(firstChunk(result))
          })
          .catch(next)
      })
    },

    async closeBundle() {
      // One worker per app build: not for an SSR build, nor for the other environments of one.
      const environment = (this as { environment?: { name: string } }).environment
      if (!config || config.command !== 'build' || config.build.ssr || (environment && environment.name !== 'client'))
        return
      const outDir = resolve(config.root, config.build.outDir)
      await build(workerBuild(config, { outDir, write: true, minify: true }))
      config.logger.info(
        `sw-token-proxy: built the service worker ${relative(process.cwd(), resolve(outDir, fileName))} (${type} script)`,
      )
    },
  }
}

/** The code of the one chunk an in-memory library build produced. */
function firstChunk(result: unknown): string {
  const output = (Array.isArray(result) ? result[0] : result) as
    { output?: Array<{ type: string; code?: string }> } | undefined
  const chunk = output?.output?.find((item) => item.type === 'chunk')
  if (chunk?.code === undefined)
    throw new Error(
      formatMessage(
        'build the service worker',
        'Vite produced no script',
        'Check the entry option of tokenProxyWorker()',
      ),
    )
  return chunk.code
}
