import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The engine scenarios (Firefox and WebKit): real browsers, so one test file at a time, one
// browser at a time, and every test and hook bounded.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['e2e-engines/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    // WebdriverIO's loggers read their level once, when created: errors only, so no command and
    // no page result (which never holds a token anyway) reaches the log.
    env: { WDIO_LOG_LEVEL: process.env['WDIO_LOG_LEVEL'] ?? 'error' },
    reporters: ['default', ['./test-support/vitestSummaryReporter.ts', { suite: 'engines' }]],
  },
})
