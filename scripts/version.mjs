// npm run version: turns the pending changesets into the next version, and keeps what speaks of the
// version in step with it.
//
// 1. `changeset version`: bumps package.json, deletes the changesets, writes their entries into
//    CHANGELOG.md (changesets puts them right under the file's first line).
// 2. Moves that new section below the changelog's introduction, above the previous release, with a
//    Keep a Changelog heading (`## [0.3.0] - 2027-01-15`).
// 3. protocol/version.ts gets the new version (the page/worker handshake speaks it; a unit test
//    keeps it equal to package.json).
// 4. etc/api-baseline.json records the API reports as released in this version (release:check).
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const root = dirname(import.meta.dirname)
const file = (path) => join(root, path)
const before = readFileSync(file('CHANGELOG.md'), 'utf8')

execFileSync(file('node_modules/.bin/changeset'), ['version'], { cwd: root, stdio: 'inherit' })

const { version } = JSON.parse(readFileSync(file('package.json'), 'utf8'))
const after = readFileSync(file('CHANGELOG.md'), 'utf8')
if (after !== before) {
  // changesets wrote before.replace('\n', section): the section is what grew at the first newline.
  const start = before.indexOf('\n')
  const section = after.slice(start + 1, start + 1 + after.length - before.length).trim()
  const date = new Date().toISOString().slice(0, 10)
  const entry = section.replace(new RegExp(`^## ${version.replaceAll('.', '\\.')}$`, 'm'), `## [${version}] - ${date}`)
  const firstRelease = before.search(/^## \[/m)
  const at = firstRelease === -1 ? before.length : firstRelease
  writeFileSync(
    file('CHANGELOG.md'),
    `${before.slice(0, at).trimEnd()}\n\n${entry}\n\n${before.slice(at)}`.trimEnd() + '\n',
  )
}

const versionFile = file('protocol/version.ts')
writeFileSync(
  versionFile,
  readFileSync(versionFile, 'utf8').replace(/LIBRARY_VERSION = '[^']*'/, `LIBRARY_VERSION = '${version}'`),
)

execFileSync(process.execPath, [file('scripts/check-release.mjs'), '--record'], { cwd: root, stdio: 'inherit' })
console.log(`[version] ${version}: package.json, CHANGELOG.md, protocol/version.ts and etc/api-baseline.json`)
