import { mkdirSync, writeFileSync } from 'node:fs'
import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason, TestSuite } from 'vitest/node'

/**
 * Prints one plain `<suite>: N passed, N failed` line (what CI reads) and writes
 * `test-results/<suite>-summary.json` as `{ passed, failed, skipped }` for `.ci/run`; the suite is
 * named by the reporter's option (`['…/vitestSummaryReporter.ts', { suite: 'unit' }]`).
 * A test file that could not be collected (syntax error, failing import) and every unhandled
 * error count as one failure each, and a test that never ran because a hook of its suite failed
 * (a browser that did not launch) counts as failed, so a broken run never reads as "0 failed".
 * Each distinct reason given for a skip is printed too, so a skip is never silent.
 */
export default class VitestSummaryReporter implements Reporter {
  readonly #suite: string

  constructor({ suite = 'unit' }: { suite?: string } = {}) {
    this.#suite = suite
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    _reason: TestRunEndReason,
  ): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    const skipReasons = new Set<string>()
    for (const testModule of testModules) {
      failed += testModule.errors().length
      const brokenSuites = new Set([...testModule.children.allSuites()].filter((suite) => suite.errors().length > 0))
      for (const testCase of testModule.children.allTests()) {
        const result = testCase.result()
        if (result.state === 'passed') passed += 1
        else if (result.state === 'failed' || inBrokenSuite(testCase, brokenSuites)) failed += 1
        else {
          skipped += 1
          if (result.state === 'skipped' && result.note) skipReasons.add(result.note)
        }
      }
    }
    failed += unhandledErrors.length
    mkdirSync('test-results', { recursive: true })
    writeFileSync(`test-results/${this.#suite}-summary.json`, JSON.stringify({ passed, failed, skipped }))
    for (const reason of skipReasons) console.log(`${this.#suite}: skipped: ${reason}`)
    console.log(`${this.#suite}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
  }
}

function inBrokenSuite(testCase: TestCase, brokenSuites: Set<TestSuite>): boolean {
  for (let parent = testCase.parent; parent.type === 'suite'; parent = parent.parent)
    if (brokenSuites.has(parent)) return true
  return false
}
