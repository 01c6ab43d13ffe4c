// The API report of every package entry (etc/<entry>.api.md), written by API Extractor from the
// declarations that ship (dist/lib, so run `npm run build:lib` first: `stripInternal` applies).
//
//   node scripts/api-report.mjs           fails when a report differs from the committed one
//   node scripts/api-report.mjs --update  rewrites the reports (npm run api:update)
//
// One process for all entries, configured here rather than in six api-extractor.json files.
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor'
import { PACKAGE_ENTRIES } from './packageEntries.mjs'

const root = `${dirname(import.meta.dirname)}/`

const update = process.argv.includes('--update')
let failed = false

for (const entry of PACKAGE_ENTRIES) {
  const types = `${root}${entry.types}`
  if (!existsSync(types)) {
    console.error(`[api-report] ${entry.types} is missing: run npm run build:lib first.`)
    process.exit(1)
  }
  const config = ExtractorConfig.prepare({
    configObjectFullPath: `${root}api-extractor.json`,
    packageJsonFullPath: `${root}package.json`,
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: types,
      bundledPackages: [],
      compiler: {
        overrideTsconfig: {
          compilerOptions: { lib: ['ES2023', 'DOM', 'WebWorker'], types: ['node'], skipLibCheck: true },
          files: [types],
        },
      },
      apiReport: {
        enabled: true,
        reportFolder: `${root}etc/`,
        reportTempFolder: `${root}dist/api-report/`,
        reportFileName: `${entry.report}.api.md`,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning', addToApiReportFile: true },
          // The entries re-export one another's types on purpose; TSDoc style is not checked here.
          'ae-missing-release-tag': { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
          'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
  })
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false, messageCallback: quiet })
  if (!result.succeeded || (!update && result.apiReportChanged)) {
    failed = true
    console.error(
      `[api-report] etc/${entry.report}.api.md does not match the API of ${entry.types}` +
        ' (compare with dist/api-report/). If the change is intended: npm run api:update, commit the report,' +
        ' and add a changeset (npx changeset) that names the entry.',
    )
  }
}

if (failed) process.exit(1)
console.log(update ? '[api-report] reports updated in etc/' : '[api-report] every entry matches its report in etc/')

/** API Extractor's own chatter ("Analysis will use the bundled TypeScript version") is noise here. */
function quiet(message) {
  if (message.text.startsWith('Analysis will use the bundled TypeScript') || message.logLevel === 'verbose') {
    message.handled = true
  }
}
