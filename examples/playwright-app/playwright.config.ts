import { existsSync } from 'node:fs'
import { defineConfig } from '@playwright/test'

// The example app is the sw-token-proxy demo, served on a fixed port by its own server process.
const port = 5191
const baseURL = `http://localhost:${port}`

// Only needed where Playwright cannot download its own browser (as on our CI machines).
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path))

export default defineConfig({
  testDir: 'tests',
  fullyParallel: true,
  workers: 2,
  outputDir: '../../test-results/example',
  use: {
    baseURL,
    launchOptions: {
      ...(systemChromium && { executablePath: systemChromium }),
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    // Logs in once and saves the session, IndexedDB included: that is where the worker keeps it.
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    {
      name: 'chromium',
      testMatch: /.*\.spec\.ts/,
      dependencies: ['setup'],
      use: { browserName: 'chromium', storageState: '.auth/user.json' },
    },
  ],
  webServer: {
    command: 'npx tsx ../../demo/server/main.ts',
    url: `${baseURL}/demo/stats`,
    env: { PORT: String(port), ACCESS_TTL: '300', REFRESH_TTL: '3600' },
    reuseExistingServer: !process.env['CI'],
  },
})
