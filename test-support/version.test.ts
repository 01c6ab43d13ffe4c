import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LIBRARY_VERSION } from '../protocol/version.ts'

describe('LIBRARY_VERSION', () => {
  it('is the package version, so the handshake never warns about a mismatch that is not there', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    expect(LIBRARY_VERSION).toBe(version)
  })
})
