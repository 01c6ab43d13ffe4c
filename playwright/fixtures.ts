import { test as base } from '@playwright/test'
import { recordSessionEvents } from './sessionEvents.js'
import { recordWorkerRequests, type WorkerRequest } from './workerRequests.js'

/** The fixtures {@link test} adds to Playwright's own. */
export interface TokenProxyFixtures {
  /**
   * The requests the worker sent to the network in this test, and whether each was authorised,
   * as {@link recordWorkerRequests} lists them. **Chromium only**: empty in Firefox and WebKit.
   */
  workerRequests: WorkerRequest[]
}

/**
 * `test` with the token-proxy fixtures: every tab records its session events (read them with
 * `sessionEvents(page)`), and `workerRequests` lists what the worker sent. Combine it with your own
 * fixtures through Playwright's `mergeTests`.
 *
 * @example
 * ```ts
 * import { test, expect, sessionEventTypes, expireAccessToken } from 'sw-token-proxy/playwright'
 *
 * test('renews an expired token once', async ({ page, workerRequests }) => {
 *   await page.goto('/')
 *   await expireAccessToken(page)
 *   await page.getByRole('button', { name: 'Refresh profile' }).click()
 *   await expect.poll(() => sessionEventTypes(page)).toContain('session-refreshed')
 * })
 * ```
 */
export const test = base.extend<TokenProxyFixtures>({
  context: async ({ context }, use) => {
    await recordSessionEvents(context)
    await use(context)
  },
  workerRequests: async ({ context }, use) => {
    await use(recordWorkerRequests(context))
  },
})

export { expect } from '@playwright/test'
