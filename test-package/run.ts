/**
 * `npm run test:package`: proves that the package a user installs works, from the tarball alone.
 * Packs the library, lints the tarball (publint, @arethetypeswrong/cli), installs it into a copy of
 * `fixture-app/` in a temporary folder outside this repository (with its other dependencies from
 * the registry), imports every subpath in Node, renders the React binding there without a DOM, type-checks the app under Bundler and NodeNext with
 * `skipLibCheck: false`, builds it with Vite and the package's plugin, and runs its Playwright test
 * against an OAuth server this project did not write. Each of those is one check; the result goes
 * to `test-results/package-summary.json` as `{ passed, failed }` for `.ci/run`.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repository = fileURLToPath(new URL('..', import.meta.url))
const fixture = fileURLToPath(new URL('./fixture-app/', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'sw-token-proxy-package-'))
const app = join(work, 'app')

/** The package's public entries; the worker entries expect a worker's `self`, as Workbox does. */
const SUBPATHS = [
  {
    subpath: 'sw-token-proxy/sw',
    exports: ['installTokenProxy', 'addTokenProxyRoutes', 'TokenProxyError'],
    worker: true,
  },
  { subpath: 'sw-token-proxy/sw/oidc', exports: ['openIdConnect'], worker: true },
  { subpath: 'sw-token-proxy/sw/cache', exports: ['apiCache'], worker: true },
  { subpath: 'sw-token-proxy/sw/msw', exports: ['installTokenProxyWithMsw'], worker: true },
  {
    subpath: 'sw-token-proxy/sw/dpop',
    exports: ['installTokenProxy', 'addTokenProxyRoutes', 'TokenProxyError'],
    worker: true,
  },
  {
    subpath: 'sw-token-proxy/client',
    exports: ['registerTokenProxy', 'openAuthenticatedWebSocket', 'TokenProxyError', 'TokenProxyUnsupportedError'],
    worker: false,
  },
  {
    subpath: 'sw-token-proxy/playwright',
    exports: ['test', 'expect', 'waitForTokenProxy', 'expireAccessToken'],
    worker: false,
  },
  { subpath: 'sw-token-proxy/vite', exports: ['tokenProxyWorker'], worker: false },
  {
    subpath: 'sw-token-proxy/vue',
    exports: ['tokenProxyPlugin', 'useSession', 'useSessionEvent', 'useTokenProxy'],
    worker: false,
  },
  {
    subpath: 'sw-token-proxy/react',
    exports: ['TokenProxyProvider', 'useSession', 'useSessionEvent', 'useTokenProxy'],
    worker: false,
  },
]
const TSCONFIGS = [
  'tsconfig.app.json',
  'tsconfig.sw.json',
  'tsconfig.node.json',
  'tsconfig.vue.json',
  'tsconfig.react.json',
]

/** Server-side rendering of an app with the Vue plugin: no page, so nothing registers and nothing throws. */
const VUE_SSR = `
  const { createSSRApp, defineComponent, h } = await import('vue')
  const { renderToString } = await import('vue/server-renderer')
  const { tokenProxyPlugin, useSession } = await import('sw-token-proxy/vue')
  const App = defineComponent(() => {
    const { loading, authenticated } = useSession()
    return () => h('p', (loading.value ? 'loading' : 'ready') + ', ' + (authenticated.value ? 'signed in' : 'signed out'))
  })
  const html = await renderToString(createSSRApp(App).use(tokenProxyPlugin()))
  if (html !== '<p>loading, signed out</p>') throw new Error('rendered ' + html)`
/** A server render of the React binding: Node, no DOM; it must render the fallback, never read `navigator`. */
const SERVER_RENDER = 'node renders <TokenProxyProvider> to its fallback, without a DOM'

let passed = 0
let failed = 0
let lastCheck = performance.now()

function check(name: string, ok: boolean, detail = ''): boolean {
  if (ok) passed += 1
  else failed += 1
  const seconds = ((performance.now() - lastCheck) / 1000).toFixed(1)
  lastCheck = performance.now()
  console.log(
    `${ok ? '  ✓' : '  ✘'} ${name} (${seconds} s)${ok || !detail ? '' : `\n${detail.trimEnd().replace(/^/gm, '      ')}`}`,
  )
  return ok
}

/** Runs a command; its output is shown only when it fails. */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): { ok: boolean; output: string } {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`,
  }
}

function step(name: string, command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): boolean {
  const { ok, output } = run(command, args, cwd, env)
  return check(name, ok, output)
}

/** Checks that could not run because an earlier step failed count as failures. */
function skipAll(names: string[]): void {
  for (const name of names) check(`${name} (not run: an earlier step failed)`, false)
}

function summarize(): never {
  const folder = join(repository, 'test-results')
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, 'package-summary.json'), JSON.stringify({ passed, failed }))
  console.log(`package: ${passed} passed, ${failed} failed`)
  if (process.env['KEEP_PACKAGE_TMP']) console.log(`(kept ${work})`)
  else rmSync(work, { recursive: true, force: true })
  process.exit(failed === 0 ? 0 : 1)
}

const laterChecks = [
  ...SUBPATHS.map(({ subpath }) => `node imports ${subpath}`),
  'node renders a Vue app with sw-token-proxy/vue on the server',
  'no preconfigured worker is exported',
  SERVER_RENDER,
  ...TSCONFIGS.flatMap((config) => [`tsc ${config} (Bundler)`, `tsc ${config} (NodeNext)`]),
  'vite build writes dist/sw.js as one classic script',
  'the app’s Playwright test',
]

console.log(`package: testing the tarball in ${work}`)

// 1. The tarball, as `npm publish` would make it (prepack builds the library into dist/lib).
const packed = step('npm pack', 'npm', ['pack', '--pack-destination', work, '--silent'], repository)
const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))
if (!packed || !tarball) {
  skipAll([
    'publint',
    'attw',
    'the tarball ships LICENSE, README.md and CHANGELOG.md',
    'npm install in the fixture app',
    ...laterChecks,
  ])
  summarize()
}
const tarballPath = join(work, tarball)
step('publint', 'npx', ['--no-install', 'publint', 'run', tarballPath, '--strict'], repository)
step('attw (ESM only)', 'npx', ['--no-install', 'attw', tarballPath, '--profile', 'esm-only'], repository)
// The licence a user must be able to read, and the docs a registry page shows (npm packs files
// under `package/`).
const listing = run('tar', ['-tzf', tarballPath], work)
const shipped = new Set(listing.output.split('\n').map((line) => line.trim()))
const documents = ['LICENSE', 'README.md', 'CHANGELOG.md']
const missing = documents.filter((name) => !shipped.has(`package/${name}`))
check(
  'the tarball ships LICENSE, README.md and CHANGELOG.md',
  listing.ok && missing.length === 0,
  listing.ok ? `missing: ${missing.join(', ')}` : listing.output,
)

// 2. A fresh app outside the repository installs it, with its own dependencies from the registry.
cpSync(fixture, app, {
  recursive: true,
  filter: (source) => !/[\\/](node_modules|dist|test-results)([\\/]|$)/.test(source),
})
const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
manifest.dependencies['sw-token-proxy'] = `file:${tarballPath}`
writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
if (!step('npm install in the fixture app', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], app)) {
  skipAll(laterChecks)
  summarize()
}

// 3. Node resolves and loads every subpath as ESM.
for (const { subpath, exports, worker } of SUBPATHS) {
  const script = `${worker ? 'globalThis.self = globalThis;' : ''}
    const entry = await import(${JSON.stringify(subpath)})
    const missing = ${JSON.stringify(exports)}.filter((name) => !(name in entry))
    if (missing.length) throw new Error('missing exports: ' + missing.join(', '))`
  step(`node imports ${subpath}`, 'node', ['--input-type=module', '-e', script], app)
}
step(
  'node renders a Vue app with sw-token-proxy/vue on the server',
  'node',
  ['--input-type=module', '-e', VUE_SSR],
  app,
)
const trap = run('node', ['--input-type=module', '-e', "await import('sw-token-proxy/sw.js')"], app)
check(
  'no preconfigured worker is exported',
  !trap.ok && trap.output.includes('ERR_PACKAGE_PATH_NOT_EXPORTED'),
  trap.output,
)

const rendered = run(
  'node',
  [
    '--input-type=module',
    '-e',
    `Object.defineProperty(globalThis, 'navigator', { get() { throw new Error('navigator was read') } })
    const { createElement } = await import('react')
    const { renderToString } = await import('react-dom/server')
    const { TokenProxyProvider } = await import('sw-token-proxy/react')
    const html = renderToString(createElement(TokenProxyProvider, { fallback: createElement('p', null, 'Starting') }))
    if (html !== '<p>Starting</p>') throw new Error('rendered ' + html)`,
  ],
  app,
)
check(SERVER_RENDER, rendered.ok, rendered.output)

// 4. The app type-checks against the package's declarations under both resolutions.
for (const config of TSCONFIGS) {
  step(`tsc ${config} (Bundler)`, 'npx', ['--no-install', 'tsc', '-p', config], app)
  step(
    `tsc ${config} (NodeNext)`,
    'npx',
    ['--no-install', 'tsc', '-p', config, '--module', 'nodenext', '--moduleResolution', 'nodenext'],
    app,
  )
}

// 5. The app builds with the package's Vite plugin: its worker is one classic script at the root.
const built = run('npx', ['--no-install', 'vite', 'build'], app)
const worker = existsSync(join(app, 'dist', 'sw.js')) ? readFileSync(join(app, 'dist', 'sw.js'), 'utf8') : ''
const classic = worker.length > 0 && !/^\s*(import|export)\b/m.test(worker) && !worker.includes('process.env')
if (!check('vite build writes dist/sw.js as one classic script', built.ok && classic, built.output)) {
  skipAll(['the app’s Playwright test'])
  summarize()
}

// 6. The app's own browser test: login → bearer → one refresh → session expired.
const e2e = run('npx', ['--no-install', 'playwright', 'test'], app)
const report = join(app, 'test-results', 'report.json')
const stats = existsSync(report)
  ? (JSON.parse(readFileSync(report, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number } })
      .stats
  : undefined
const ran = stats ? stats.expected + stats.flaky : 0
for (let i = 0; i < ran; i++) check('the app’s Playwright test', true)
if (!e2e.ok || ran === 0 || (stats?.unexpected ?? 0) > 0) {
  for (let i = 0; i < Math.max(1, stats?.unexpected ?? 0); i++)
    check('the app’s Playwright test', false, i === 0 ? e2e.output : '')
}
summarize()
