import puppeteer, { type Page } from 'puppeteer-core'
import type { Browser, EngineBackend, PageFunction, Tab } from './Browser.ts'

/**
 * Firefox driven by puppeteer-core over WebDriver BiDi, the standard protocol Firefox ships: no
 * patched browser, so Debian's `firefox-esr` works as it is installed.
 */
export function firefoxBackend(executablePath: string): EngineBackend {
  return {
    engine: 'firefox',
    via: 'puppeteer-core over WebDriver BiDi',
    // Firefox stops a worker that has been idle for `dom.serviceWorkers.idle_timeout`; nothing a
    // test can reach stops it on command (about:debugging is not scriptable).
    workerStop: 'idle-timeout',
    async launch({ workerIdleTimeoutMs } = {}) {
      const browser = await puppeteer.launch({
        browser: 'firefox',
        executablePath,
        headless: true,
        extraPrefsFirefox: {
          ...(workerIdleTimeoutMs !== undefined && {
            'dom.serviceWorkers.idle_timeout': workerIdleTimeoutMs,
            // A worker kept busy (a respondWith or waitUntil still pending) is stopped after this.
            'dom.serviceWorkers.idle_extended_timeout': Math.max(workerIdleTimeoutMs, 30_000),
          }),
        },
      })
      const [name = 'firefox', version = ''] = (await browser.version()).split('/')
      return {
        engine: 'firefox',
        version: `${name === 'firefox' ? 'Firefox' : name} ${version}`.trim(),
        async openTab(url) {
          const page = await browser.newPage()
          await page.goto(url)
          return firefoxTab(page)
        },
        close: () => browser.close(),
      } satisfies Browser
    },
  }
}

function firefoxTab(page: Page): Tab {
  return {
    async goto(url) {
      await page.goto(url)
    },
    evaluate<Args extends unknown[], Result>(fn: PageFunction<Args, Result>, ...args: Args): Promise<Result> {
      return page.evaluate(fn as (...args: unknown[]) => Result, ...args)
    },
    async hardReload() {
      // WebDriver BiDi's `browsingContext.reload({ ignoreCache: true })` answers "unsupported
      // operation" in Firefox 153 ESR. Firefox's own `location.reload(true)` (its non-standard
      // forceGet flag) reloads past the cache and the service worker, as a shift-reload does; the
      // scenario checks that a page reloaded this way is left uncontrolled.
      await Promise.all([
        page.waitForNavigation(),
        page.evaluate(() => (location.reload as (forceGet: boolean) => void)(true)).catch(() => undefined),
      ])
    },
    close: () => page.close(),
  }
}
