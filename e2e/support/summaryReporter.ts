import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter'

/** Prints one plain `e2e: N passed, N failed` line (what CI reads) and writes it for `.ci/run`. */
export default class SummaryReporter implements Reporter {
  #outcomes = new Map<string, ReturnType<TestCase['outcome']>>()

  onTestEnd(test: TestCase, _result: TestResult): void {
    this.#outcomes.set(test.id, test.outcome())
  }

  onEnd(_result: FullResult): void {
    const outcomes = [...this.#outcomes.values()]
    const passed = outcomes.filter((outcome) => outcome === 'expected' || outcome === 'flaky').length
    const skipped = outcomes.filter((outcome) => outcome === 'skipped').length
    const failed = outcomes.length - passed - skipped
    // One summary per suite (E2E_SUMMARY names it), always in the project's own test-results/.
    const name = process.env['E2E_SUMMARY'] ?? 'e2e'
    const folder = fileURLToPath(new URL('../../test-results/', import.meta.url))
    mkdirSync(folder, { recursive: true })
    writeFileSync(`${folder}${name}-summary.json`, JSON.stringify({ passed, failed, skipped }))
    console.log(`${name}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
  }

  printsToStdio(): boolean {
    return false
  }
}
