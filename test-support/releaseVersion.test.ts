import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const { version } = JSON.parse(read('package.json')) as { version: string }

describe("package.json's version is the one the release speaks of", () => {
  it("is CHANGELOG.md's newest section", () => {
    expect(/^## \[([^\]]+)\]/m.exec(read('CHANGELOG.md'))?.[1]).toBe(version)
  })

  it('is the version the API reports were last recorded for (etc/api-baseline.json)', () => {
    expect((JSON.parse(read('etc/api-baseline.json')) as { version: string }).version).toBe(version)
  })
})
