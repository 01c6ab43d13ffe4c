import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from '../test-support/chromiumLaunchOptions.ts'

// The documentation site's smoke test (npm run test:docs, after npm run docs:build): every page of
// docs/.vitepress/dist opened in Chromium, served on a loopback port by the spec itself.
export default defineConfig({
  testDir: 'smoke',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env['CI'],
  outputDir: '../test-results/docs',
  reporter: [['list'], ['../e2e/support/summaryReporter.ts']],
  use: {
    browserName: 'chromium',
    serviceWorkers: 'block',
    trace: 'off',
    launchOptions: chromiumLaunchOptions,
  },
})
