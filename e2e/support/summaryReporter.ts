import { mkdirSync, writeFileSync } from 'node:fs'
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
    mkdirSync('test-results', { recursive: true })
    writeFileSync('test-results/e2e-summary.json', JSON.stringify({ passed, failed, skipped }))
    console.log(`e2e: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
  }

  printsToStdio(): boolean {
    return false
  }
}
