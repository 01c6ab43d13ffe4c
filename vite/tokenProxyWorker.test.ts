import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { build, createServer } from 'vite'
import { tokenProxyWorker, type TokenProxyWorkerOptions } from './tokenProxyWorker.js'

const apps: string[] = []
afterEach(() => {
  for (const app of apps.splice(0)) rmSync(app, { recursive: true, force: true })
})

/** A tiny app whose worker reads what a Workbox bundle reads, and imports a module of its own. */
function app(
  worker = "import { marker } from './marker'\nif (process.env.NODE_ENV !== 'production') throw new Error('dev build')\nself.addEventListener('fetch', () => marker)\n",
): string {
  const root = mkdtempSync(join(tmpdir(), 'sw-token-proxy-vite-'))
  apps.push(root)
  mkdirSync(join(root, 'src'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="/src/main.ts"></script>')
  writeFileSync(join(root, 'src', 'main.ts'), 'export {}\n')
  writeFileSync(join(root, 'src', 'sw.ts'), worker)
  writeFileSync(join(root, 'src', 'marker.ts'), "export const marker = 'marker-1'\n")
  return root
}

function buildApp(root: string, options?: TokenProxyWorkerOptions) {
  return build({ root, configFile: false, logLevel: 'silent', plugins: [tokenProxyWorker(options)] })
}

describe('tokenProxyWorker (Vite plugin)', () => {
  it('vite build writes src/sw.ts as one classic script at the root of the output, with NODE_ENV defined', async () => {
    const root = app()
    await buildApp(root)

    const script = readFileSync(join(root, 'dist', 'sw.js'), 'utf8')
    expect(script).toContain('marker-1')
    expect(script).not.toMatch(/^\s*(import|export)\b/m)
    expect(script).not.toContain('process.env')
    expect(readFileSync(join(root, 'dist', 'index.html'), 'utf8')).toContain('<script')
  })

  it('builds an ES module under another name when asked', async () => {
    const root = app("export const version = 1\nself.addEventListener('fetch', () => version)\n")
    await buildApp(root, { fileName: 'worker.mjs', type: 'module' })

    expect(readFileSync(join(root, 'dist', 'worker.mjs'), 'utf8')).toMatch(/^export\b/m)
  })

  it('vite dev serves the worker built afresh on every request', async () => {
    const root = app()
    const server = await createServer({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [tokenProxyWorker()],
      server: { port: 0, host: '127.0.0.1' },
    })
    try {
      await server.listen()
      const url = `${server.resolvedUrls?.local[0] ?? ''}sw.js`
      const first = await fetch(url)
      expect(first.headers.get('content-type')).toBe('text/javascript')
      expect(await first.text()).toContain('marker-1')

      writeFileSync(join(root, 'src', 'marker.ts'), "export const marker = 'marker-2'\n")
      expect(await (await fetch(url)).text()).toContain('marker-2')
    } finally {
      await server.close()
    }
  })

  it('says which file is missing and how to name another', async () => {
    const root = app()
    await expect(buildApp(root, { entry: 'src/service-worker.ts' })).rejects.toThrow(
      /^\[sw-token-proxy\] Failed to build the service worker: .*src\/service-worker\.ts does not exist\. Write it \(see the README\), or name yours with tokenProxyWorker\(\{ entry \}\)\.$/,
    )
  })
})
