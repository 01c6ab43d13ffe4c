// npm run examples:check: every TypeScript or JavaScript block (```ts, ```typescript, ```js) of
// README.md and docs/**/*.md type-checks against the built package (dist/lib, imported by the
// package's own name, sw-token-proxy/...). Run npm run build:lib first.
//
// Each block is one module, checked in one of three contexts, named by a word after the language
// (```ts worker) or else guessed from the block:
//   page    (the default) DOM libs; scripts/examples/page.d.ts declares the client API's names,
//           `proxy`, and stand-ins for the reader's app (showLogin, render…)
//   worker  WebWorker libs; guessed when the block imports sw-token-proxy/sw… or calls
//           installTokenProxy / addTokenProxyRoutes / openIdConnect (scripts/examples/worker.d.ts)
//   node    Node types and DOM; guessed when the block imports vite, @playwright/test,
//           sw-token-proxy/playwright, sw-token-proxy/vite or node:… (scripts/examples/node.d.ts)
// ```ts no-check skips a block that is not code on its own (a shape, a piece of an object); use it
// sparingly: the stand-ins exist so that fragments can be checked.
// A failure names the markdown file and line.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

const root = dirname(import.meta.dirname)
const out = join(root, 'dist/examples-check')
const LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript'])
const CONTEXTS = ['page', 'worker', 'node']

/** The package's entries, as package.json "exports" publishes their types. */
const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const paths = Object.fromEntries(
  Object.entries(exports)
    .filter(([, target]) => typeof target === 'object' && target.types)
    .map(([subpath, target]) => [`sw-token-proxy/${subpath.slice(2)}`, [join(root, target.types)]]),
)
for (const [name, [types]] of Object.entries(paths)) {
  if (!existsSync(types)) {
    console.error(`[examples] ${relative(root, types)} (${name}) is missing: run npm run build:lib first.`)
    process.exit(1)
  }
}

const GENERATED = new Set(['docs/reference', 'docs/.vitepress', 'docs/node_modules'])

function markdownFiles() {
  const files = [join(root, 'README.md')]
  const walk = (folder) => {
    if (!existsSync(folder)) return
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name)
      // Generated (the reference, from the TSDoc) or build output: not the site's own pages.
      if (entry.isDirectory()) {
        if (!GENERATED.has(relative(root, path))) walk(path)
      } else if (entry.name.endsWith('.md')) files.push(path)
    }
  }
  walk(join(root, 'docs'))
  return files
}

function contextOf(words, code) {
  const named = words.find((word) => CONTEXTS.includes(word))
  if (named) return named
  if (/from '(vite|@playwright\/test|sw-token-proxy\/playwright|sw-token-proxy\/vite|node:[^']+)'/.test(code))
    return 'node'
  if (/from 'sw-token-proxy\/sw/.test(code) || /\b(installTokenProxy|addTokenProxyRoutes|openIdConnect)\(/.test(code)) {
    return 'worker'
  }
  return 'page'
}

/** Every checked block: where it is, its context, and its code. */
const blocks = []
let skipped = 0
for (const file of markdownFiles()) {
  const lines = readFileSync(file, 'utf8').split('\n')
  for (let index = 0; index < lines.length; index += 1) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]+)?(.*)$/.exec(lines[index])
    if (!fence) continue
    const [, indent, marker, language = '', rest] = fence
    const end = lines.findIndex((line, at) => at > index && line.trimStart().startsWith(marker))
    const closing = end === -1 ? lines.length : end
    const words = rest
      .trim()
      .split(/[\s,]+/)
      .filter(Boolean)
    if (LANGUAGES.has(language.toLowerCase())) {
      if (words.includes('no-check')) skipped += 1
      else {
        const code = lines
          .slice(index + 1, closing)
          .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
        blocks.push({
          file: relative(root, file),
          line: index + 2,
          javascript: language.startsWith('j'),
          code,
          context: contextOf(words, code.join('\n')),
        })
      }
    }
    index = closing
  }
}

rmSync(out, { recursive: true, force: true })
const LIBS = {
  page: ['ES2023', 'DOM', 'DOM.Iterable'],
  worker: ['ES2023', 'WebWorker'],
  node: ['ES2023', 'DOM', 'DOM.Iterable'],
}
const byName = new Map()
let failed = false
for (const context of CONTEXTS) {
  const mine = blocks.filter((block) => block.context === context)
  if (mine.length === 0) continue
  const folder = join(out, context)
  mkdirSync(folder, { recursive: true })
  const files = mine.map((block) => {
    const name = `${block.file.replaceAll(/[^\w]/g, '_')}_L${block.line}.${block.javascript ? 'js' : 'ts'}`
    byName.set(`${context}/${name}`, block)
    // Each block is a module of its own (top-level await, no clashes between blocks).
    writeFileSync(join(folder, name), `${block.code.join('\n')}\nexport {}\n`)
    return name
  })
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'bundler',
      lib: LIBS[context],
      types: context === 'node' ? ['node'] : [],
      strict: true,
      allowJs: true,
      checkJs: true,
      noEmit: true,
      skipLibCheck: true,
      paths,
    },
    files: [join(root, 'scripts/examples', `${context}.d.ts`), ...files],
  }
  writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', folder, '--pretty', 'false'],
    {
      encoding: 'utf8',
    },
  )
  if (tsc.status === 0) continue
  failed = true
  for (const message of `${tsc.stdout}${tsc.stderr}`.split('\n').filter(Boolean)) {
    // `file.ts(3,7): error TS2304: …` → README.md:44:7 (page): error TS2304: …
    const located = /^(?:.*[\\/])?([^\\/(]+)\((\d+),(\d+)\): (.*)$/.exec(message)
    const block = located && byName.get(`${context}/${located[1]}`)
    if (block)
      console.error(`${block.file}:${block.line + Number(located[2]) - 1}:${located[3]} (${context}): ${located[4]}`)
    else console.error(`(${context}) ${message}`)
  }
}

const counts = CONTEXTS.map((context) => `${blocks.filter((block) => block.context === context).length} ${context}`)
if (failed) {
  console.error(`[examples] some code blocks do not type-check against the built package (${counts.join(', ')}).`)
  process.exit(1)
}
console.log(`[examples] ${blocks.length} code blocks type-check (${counts.join(', ')}; ${skipped} marked no-check)`)
