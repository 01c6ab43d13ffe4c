// The package's public entries, read from package.json "exports" (the one list of them): each
// entry's import path, the name of its API report (etc/<report>.api.md) and its shipped declarations.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const { name, exports } = JSON.parse(readFileSync(join(dirname(import.meta.dirname), 'package.json'), 'utf8'))

/** @type {Array<{ importPath: string, report: string, types: string }>} */
export const PACKAGE_ENTRIES = Object.entries(exports)
  .filter(([, target]) => typeof target === 'object' && target.types)
  .map(([subpath, target]) => ({
    importPath: `${name}/${subpath.slice(2)}`,
    report: subpath.slice(2).replaceAll('/', '-'),
    types: target.types.replace(/^\.\//, ''),
  }))
