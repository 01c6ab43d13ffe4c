import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './test-support/chromiumLaunchOptions.ts'

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env['CI'],
  // Playwright empties its output folder on start; keep it apart from the unit summary.
  outputDir: 'test-results/e2e',
  reporter: [['list'], ['./e2e/support/summaryReporter.ts']],
  use: {
    browserName: 'chromium',
    serviceWorkers: 'allow',
    trace: 'off',
    launchOptions: chromiumLaunchOptions,
  },
})
