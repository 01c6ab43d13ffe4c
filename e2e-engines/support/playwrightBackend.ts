import { chromium, firefox, webkit, type BrowserType, type LaunchOptions, type Page } from '@playwright/test'
import { hardReload, stopServiceWorker } from '../../playwright/browserControls.ts'
import { chromiumLaunchOptions } from '../../test-support/chromiumLaunchOptions.ts'
import type { Browser, EngineBackend, EngineName, PageFunction, Tab } from './Browser.ts'

const browserTypes: Record<EngineName, BrowserType> = { chromium, firefox, webkit }

/**
 * Playwright's own browsers, for machines that have them (`npx playwright install firefox webkit`)
 * rather than Debian's. Chromium is here too, so the scenarios can be checked against the engine
 * the Playwright suite already covers (`ENGINES=chromium`).
 */
export function playwrightBackend(
  engine: EngineName,
  launchOptions: LaunchOptions = engine === 'chromium' ? chromiumLaunchOptions : {},
): EngineBackend {
  return {
    engine,
    via: 'Playwright',
    workerStop: engine === 'chromium' ? 'command' : engine === 'firefox' ? 'idle-timeout' : 'no-clients',
    ...(engine === 'webkit' && {
      noHardReload: "Playwright's reload has no cache bypass, and its WebKit has no DevTools protocol to ask for one",
    }),
    async launch({ workerIdleTimeoutMs } = {}) {
      const browser = await browserTypes[engine].launch({
        ...launchOptions,
        ...(engine === 'firefox' &&
          workerIdleTimeoutMs !== undefined && {
            firefoxUserPrefs: {
              'dom.serviceWorkers.idle_timeout': workerIdleTimeoutMs,
              'dom.serviceWorkers.idle_extended_timeout': Math.max(workerIdleTimeoutMs, 30_000),
            },
          }),
      })
      const context = await browser.newContext({ serviceWorkers: 'allow' })
      const pages = new WeakMap<Tab, Page>()
      return {
        engine,
        version: `${engine === 'chromium' ? 'Chromium' : engine === 'firefox' ? 'Firefox' : 'WebKit'} ${browser.version()} (Playwright)`,
        async openTab(url) {
          const page = await context.newPage()
          await page.goto(url)
          const tab = playwrightTab(engine, page)
          pages.set(tab, page)
          return tab
        },
        ...(engine === 'chromium' && { stopServiceWorkers: (tab: Tab) => stopServiceWorker(pages.get(tab)!) }),
        close: () => browser.close(),
      } satisfies Browser
    },
  }
}

function playwrightTab(engine: EngineName, page: Page): Tab {
  return {
    async goto(url) {
      await page.goto(url)
    },
    evaluate<Args extends unknown[], Result>(fn: PageFunction<Args, Result>, ...args: Args): Promise<Result> {
      // Playwright awaits a promise the expression evaluates to.
      return page.evaluate<Result>(`(${fn.toString()}).apply(null, ${JSON.stringify(args)})`)
    },
    ...(engine === 'chromium' && { hardReload: () => hardReload(page) }),
    ...(engine === 'firefox' && {
      async hardReload() {
        // As in Debian's Firefox (see firefoxBackend.ts); not run on our CI, which has no
        // Playwright Firefox: the scenario checks that the reload did leave a page uncontrolled.
        await Promise.all([
          page.waitForEvent('load'),
          page.evaluate(() => (location.reload as (forceGet: boolean) => void)(true)).catch(() => undefined),
        ])
      },
    }),
    close: () => page.close(),
  }
}
