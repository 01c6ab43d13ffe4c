import { afterAll, beforeAll, beforeEach, describe } from 'vitest'
import type { Browser, EngineBackend, LaunchOptions } from './Browser.ts'
import { assertDemoBuilt } from './demoBuild.ts'
import { findEngine, requestedEngines } from './findEngines.ts'

export interface EngineUnderTest {
  backend: EngineBackend
  /** The browser launched for this block (valid inside tests and hooks). */
  browser(): Browser
}

/**
 * Declares `title`'s tests once per engine (`ENGINES`, default Firefox and WebKit), each block with
 * one browser launched before its tests and closed after them. An engine this machine lacks makes
 * its tests *skipped*, with the reason and the fix; with `REQUIRE_ENGINES=1` (CI) it makes them
 * fail instead, so a run never reads as green without the engines it was meant to cover.
 * `launchOptions` apply to this block's browsers (each backend takes what concerns it).
 */
export function describeEngines(
  title: string,
  register: (engine: EngineUnderTest) => void,
  launchOptions: LaunchOptions = {},
): void {
  const required = process.env['REQUIRE_ENGINES'] === '1'
  for (const choice of requestedEngines().map(findEngine)) {
    describe(`${choice.engine}: ${title}`, () => {
      let browser: Browser | undefined

      beforeAll(async () => {
        if (!choice.backend) return
        assertDemoBuilt()
        browser = await choice.backend.launch(launchOptions)
        // The version the run tested, for the README's table of browsers.
        console.log(`${choice.engine}: ${browser.version}, driven by ${choice.backend.via}`)
      })
      afterAll(async () => {
        await browser?.close()
      })
      beforeEach((context) => {
        if (choice.backend) return
        if (required)
          throw new Error(
            `[sw-token-proxy] Failed to test in ${choice.engine}: ${choice.missing}. REQUIRE_ENGINES=1 is set, so a missing engine fails the run.`,
          )
        context.skip(`${choice.engine} not tested: ${choice.missing}`)
      })

      if (!choice.backend) {
        // Still declare the tests, so the report lists every one of them as skipped.
        register({
          get backend(): EngineBackend {
            throw new Error(`[sw-token-proxy] Failed to test in ${choice.engine}: ${choice.missing}.`)
          },
          browser: () => {
            throw new Error(`[sw-token-proxy] Failed to test in ${choice.engine}: ${choice.missing}.`)
          },
        })
        return
      }
      const backend = choice.backend
      register({
        backend,
        browser: () => {
          if (!browser)
            throw new Error(
              `[sw-token-proxy] Failed to use ${choice.engine}: it did not launch. See the error of the block's first hook.`,
            )
          return browser
        },
      })
    })
  }
}
