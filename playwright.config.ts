import { existsSync } from 'node:fs'
import { defineConfig } from '@playwright/test'

/**
 * Uses the system Chromium where there is one (Debian's `chromium`; Playwright cannot download its
 * own browser on every machine), else Playwright's own browser (`npx playwright install chromium`).
 */
const systemChromium = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => typeof path === 'string' && existsSync(path),
)

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
    launchOptions: {
      ...(systemChromium && { executablePath: systemChromium }),
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
})
