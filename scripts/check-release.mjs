// npm test's release check: a change to the public API must carry a changeset.
//
// etc/api-baseline.json records, for the last release, the version and a SHA-256 of each entry's
// API report (etc/<entry>.api.md, which `npm run api:check` keeps equal to what the build
// exports). An entry whose committed report no longer has the recorded hash has changed since that
// release, and needs a pending changeset (.changeset/*.md) that names it by its import path
// (`sw-token-proxy/sw/dpop`…). Everything is read from the working tree, never from git history,
// so a fresh shallow clone checks the same way as a long-lived checkout.
//
//   node scripts/check-release.mjs           the check (npm run release:check)
//   node scripts/check-release.mjs --record  records the current reports as released (npm run version)
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { PACKAGE_ENTRIES } from './packageEntries.mjs'

const root = dirname(import.meta.dirname)
const baselineFile = join(root, 'etc/api-baseline.json')

/** Report name → the import path a changeset must name. */
const ENTRIES = Object.fromEntries(PACKAGE_ENTRIES.map(({ report, importPath }) => [report, importPath]))

/** The report's hash, line endings normalised so a Windows checkout hashes the same. */
function reportHash(name) {
  const text = readFileSync(join(root, 'etc', `${name}.api.md`), 'utf8').replaceAll('\r\n', '\n')
  return createHash('sha256').update(text).digest('hex')
}

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

if (process.argv.includes('--record')) {
  const reports = Object.fromEntries(Object.keys(ENTRIES).map((name) => [name, reportHash(name)]))
  writeFileSync(baselineFile, `${JSON.stringify({ version, reports }, null, 2)}\n`)
  console.log(`[release] API reports recorded as released in ${version}`)
  process.exit(0)
}

const baseline = JSON.parse(readFileSync(baselineFile, 'utf8'))
const changesets = readdirSync(join(root, '.changeset'))
  .filter((file) => file.endsWith('.md') && file !== 'README.md')
  .map((file) => ({ file, text: readFileSync(join(root, '.changeset', file), 'utf8') }))

/** Whether `text` names `importPath` itself, not a longer path that starts with it (sw vs sw/oidc). */
const names = (text, importPath) => new RegExp(`${importPath.replaceAll('/', '\\/')}(?![\\w/-])`).test(text)

const problems = []
if (baseline.version !== version) {
  problems.push(
    `package.json says ${version} but etc/api-baseline.json was recorded for ${baseline.version}: ` +
      'version the package with npm run version, which records the reports',
  )
}
for (const [name, importPath] of Object.entries(ENTRIES)) {
  if (baseline.reports[name] === reportHash(name)) continue
  if (changesets.some(({ text }) => names(text, importPath))) continue
  problems.push(
    `the public API of ${importPath} (etc/${name}.api.md) changed since ${baseline.version}, and no pending ` +
      `changeset names it: run npx changeset, and say in it what changed for users of ${importPath}`,
  )
}
for (const { file, text } of changesets) {
  if (!/^---\s*\n(?:.*\n)*?["']?sw-token-proxy["']?\s*:\s*(major|minor|patch)\s*\n(?:.*\n)*?---/m.test(text)) {
    problems.push(`.changeset/${file} does not bump sw-token-proxy (front matter: "sw-token-proxy": minor)`)
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`[release] ${problem}.`)
  process.exit(1)
}
const pending = changesets.length === 0 ? 'no changeset pending' : `${changesets.length} changesets pending`
console.log(`[release] the public API matches ${baseline.version} or its changes have changesets (${pending})`)
