import type { Page } from '@playwright/test'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Policy 12 (docs/behaviour.md): where the browser has the Static Routing API (Chromium), pages, assets and
// requests off the API go straight to the network, without waiting for the worker.

/** The worker's running status as DevTools reports it: `stopped`, `starting`, `running`… */
async function watchWorker(page: Page) {
  const session = await page.context().newCDPSession(page)
  let status: string | undefined
  session.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const version of versions) status = version.runningStatus
  })
  await session.send('ServiceWorker.enable')
  return {
    status: () => status,
    stop: () => session.send('ServiceWorker.stopAllWorkers'),
    detach: () => session.detach(),
  }
}

/** What Resource Timing says the static router chose for each URL this page loaded. */
function routerSources(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      performance.getEntries().flatMap((entry) => {
        const timing = entry as PerformanceResourceTiming & { workerMatchedSourceType?: string }
        return timing.workerMatchedSourceType === undefined
          ? []
          : [[new URL(timing.name).pathname, timing.workerMatchedSourceType || 'fetch-event']]
      }),
    ),
  )
}

test('a stopped worker is not started for assets or off-API fetches, and navigations go to the network; the API goes through the worker', async ({
  page,
  app,
}) => {
  await logIn(page)
  const worker = await watchWorker(page)
  await worker.stop()
  await expect.poll(worker.status).toBe('stopped')

  expect((await pageFetch(page, '/favicon.svg')).status).toBe(200)
  expect((await pageFetch(page, '/demo/stats')).status).toBe(200)
  expect(worker.status()).toBe('stopped')

  // A navigation is routed to the network without waiting for the worker (Chromium may still
  // start the worker alongside, for the page's later requests).
  app.pages.set('/plain.html', '<!doctype html><title>plain</title><p>No worker registration on this page.</p>')
  await page.goto(`${app.origin}/plain.html`)
  expect(
    await page.evaluate(
      () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).workerStart,
    ),
  ).toBe(0)

  expect((await pageFetch(page, '/favicon.svg')).status).toBe(200)
  expect((await pageFetch(page, '/api/me')).status).toBe(200)
  expect(await routerSources(page)).toMatchObject({
    '/plain.html': 'network',
    '/favicon.svg': 'network',
    '/api/me': 'fetch-event',
  })
  // The API request went through the worker, which added the token.
  expect(app.api.records.at(-1)).toMatchObject({ path: '/api/me', authScheme: 'Bearer', authorized: true })
  await worker.detach()
})
