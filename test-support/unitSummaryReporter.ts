import { mkdirSync, writeFileSync } from 'node:fs'
import type { Reporter, SerializedError, TestModule, TestRunEndReason } from 'vitest/node'

/**
 * Prints one plain `unit: N passed, N failed` line (what CI reads) and writes
 * `test-results/unit-summary.json` as `{ passed, failed, skipped }` for `.ci/run`.
 * A test file that could not be collected (syntax error, failing import) and every unhandled
 * error count as one failure each, so a broken run never reads as "0 failed".
 */
export default class UnitSummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    _reason: TestRunEndReason,
  ): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const testModule of testModules) {
      failed += testModule.errors().length
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state
        if (state === 'passed') passed += 1
        else if (state === 'failed') failed += 1
        else skipped += 1
      }
    }
    failed += unhandledErrors.length
    mkdirSync('test-results', { recursive: true })
    writeFileSync('test-results/unit-summary.json', JSON.stringify({ passed, failed, skipped }))
    console.log(`unit: ${passed} passed, ${failed} failed`)
  }
}
