import { existsSync, readdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { firefox, webkit } from '@playwright/test'
import type { EngineBackend, EngineName } from './Browser.ts'
import { firefoxBackend } from './firefoxBackend.ts'
import { playwrightBackend } from './playwrightBackend.ts'
import { webkitBackend } from './webkitBackend.ts'

/** An engine the run asked for: how to drive it here, or why it cannot run on this machine. */
export type EngineChoice =
  | { engine: EngineName; backend: EngineBackend; missing?: undefined }
  | { engine: EngineName; backend?: undefined; missing: string }

/** `ENGINES=firefox,webkit` (the default) picks the engines; `chromium` is also accepted. */
export function requestedEngines(value = process.env['ENGINES'] ?? 'firefox,webkit'): EngineName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  for (const name of names) {
    if (name !== 'firefox' && name !== 'webkit' && name !== 'chromium') {
      throw new Error(
        `[sw-token-proxy] Failed to choose the engines to test: "${name}" is not one. Set ENGINES to a list of firefox, webkit and chromium.`,
      )
    }
  }
  return names as EngineName[]
}

/**
 * Picks, for each engine, what this machine has: the browsers Debian ships, driven over the
 * standard protocols (what CI installs), else Playwright's own browsers when they are installed.
 */
export function findEngine(engine: EngineName): EngineChoice {
  if (engine === 'firefox') {
    const executable = firstExisting([process.env['FIREFOX_PATH'], '/usr/bin/firefox-esr', '/usr/bin/firefox'])
    if (executable) return { engine, backend: firefoxBackend(executable) }
    if (playwrightHas('firefox')) return { engine, backend: playwrightBackend('firefox') }
    return {
      engine,
      missing:
        "no Firefox on this machine. Install Debian's (apt-get install firefox-esr) or Playwright's (npx playwright install firefox), or set FIREFOX_PATH",
    }
  }
  if (engine === 'webkit') {
    const driver = firstExisting([process.env['WEBKIT_WEBDRIVER_PATH'], onPath('WebKitWebDriver')])
    const miniBrowser = firstExisting([process.env['WEBKIT_MINIBROWSER_PATH'], ...miniBrowserCandidates()])
    const xvfb = onPath('Xvfb')
    if (driver && miniBrowser && (xvfb || process.env['DISPLAY']))
      return { engine, backend: webkitBackend({ driver, miniBrowser, xvfb, xdotool: onPath('xdotool') }) }
    if (playwrightHas('webkit')) return { engine, backend: playwrightBackend('webkit') }
    const lacking = [
      !driver && 'WebKitWebDriver',
      !miniBrowser && 'MiniBrowser',
      !xvfb && !process.env['DISPLAY'] && 'Xvfb (or a DISPLAY)',
    ]
      .filter(Boolean)
      .join(', ')
    return {
      engine,
      missing: `no WebKit on this machine (missing: ${lacking}). Install Debian's (apt-get install webkit2gtk-driver xvfb xdotool) or Playwright's (npx playwright install webkit)`,
    }
  }
  // Chromium only through Playwright: the Playwright suite is where Chromium is tested.
  return { engine, backend: playwrightBackend('chromium') }
}

function firstExisting(paths: Array<string | undefined>): string | undefined {
  return paths.find((path): path is string => typeof path === 'string' && path !== '' && existsSync(path))
}

function onPath(name: string): string | undefined {
  return firstExisting((process.env['PATH'] ?? '').split(delimiter).map((folder) => join(folder, name)))
}

/** Where distributions put WebKitGTK's MiniBrowser: `/usr/lib/<triplet>/webkit2gtk-4.1/` on Debian. */
function miniBrowserCandidates(): string[] {
  const folders = ['webkit2gtk-4.1', 'webkitgtk-6.0', 'webkit2gtk-4.0']
  const triplets = existsSync('/usr/lib') ? readdirSync('/usr/lib').filter((name) => name.includes('-linux-')) : []
  return [
    ...triplets.flatMap((triplet) => folders.map((folder) => `/usr/lib/${triplet}/${folder}/MiniBrowser`)),
    ...folders.map((folder) => `/usr/libexec/${folder}/MiniBrowser`),
  ]
}

function playwrightHas(engine: 'firefox' | 'webkit'): boolean {
  try {
    return existsSync((engine === 'firefox' ? firefox : webkit).executablePath())
  } catch {
    return false
  }
}
