import { existsSync } from 'node:fs'
import type { LaunchOptions } from '@playwright/test'

/**
 * The system Chromium where there is one (Debian's `chromium`: Playwright cannot download its own
 * browser on every machine), else Playwright's own browser. The flags keep a headless Chromium
 * from reaching out to the network on its own.
 */
const systemChromium = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => typeof path === 'string' && existsSync(path),
)

export const chromiumLaunchOptions: LaunchOptions = {
  ...(systemChromium && { executablePath: systemChromium }),
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
}
