// Makes sure the e2e suite has a Chromium: the system one (Debian's `chromium`), else
// Playwright's own, installing whichever this machine can get. Runs before `npm run test:e2e`.
import { execSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

const systemPaths = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
const playwrightCache = process.env.PLAYWRIGHT_BROWSERS_PATH ?? join(homedir(), '.cache', 'ms-playwright')
const hasSystem = () => systemPaths.some((path) => path && existsSync(path))
const hasPlaywright = () =>
  existsSync(playwrightCache) && readdirSync(playwrightCache).some((name) => name.startsWith('chromium'))

function attempt(command) {
  try {
    execSync(command, { stdio: 'inherit' })
    return true
  } catch {
    return false
  }
}

if (!hasSystem() && !hasPlaywright()) {
  console.log('[sw-token-proxy] No Chromium found for the e2e tests; installing one.')
  const isRootOnDebian = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')
  const installed =
    (isRootOnDebian &&
      attempt('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium')) ||
    attempt('npx playwright install chromium')
  if (!installed || (!hasSystem() && !hasPlaywright())) {
    console.error(
      '[sw-token-proxy] Failed to install Chromium for the e2e tests. Install it yourself (apt-get install chromium, or npx playwright install chromium), or set CHROMIUM_PATH.',
    )
    process.exit(1)
  }
}
