import type { Page } from '@playwright/test'
import { expect, test as base } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Case 2, at the server: the token goes to `/api` and below it, on a segment boundary, and to no
// look-alike. `allowlist.spec.ts` sees only what the API serves; here `app.requestLog` records
// every path. Chromium's static routes send look-alikes to the network before the worker sees
// them, so the same table runs again with a worker that declares no static routes: there the
// worker's own matching (`roleOf`) is all that decides, as in browsers without the Routing API.

const test = base.extend<{ staticRoutes: boolean }>({
  staticRoutes: [true, { option: true }],
  app: async ({ app, staticRoutes }, use) => {
    if (!staticRoutes) {
      app.worker.transform = (script) => {
        // `installTokenProxy` declares the routes only where the install event has `addRoutes`.
        const withoutRoutes = script.replace(/(["'`])addRoutes\1\s*in\b/, '`noStaticRoutesInThisTest` in')
        if (withoutRoutes === script) throw new Error('the built worker no longer tests for addRoutes')
        return withoutRoutes
      }
    }
    await use(app)
  },
})

/** Request targets, and whether each may carry the token. */
const TABLE: Array<[target: string, getsToken: boolean]> = [
  ['/api', true],
  ['/api/x', true],
  ['/apix', false],
  ['/api-evil/x', false],
  ['/API/x', false],
  ['/%61pi/x', false],
  ['/static?next=/api/', false],
]

/** What Resource Timing says the static router chose for each URL: `network` or `''` (the fetch event). */
function routerSources(page: Page): Promise<Record<string, string | undefined>> {
  return page.evaluate(() =>
    Object.fromEntries(
      performance.getEntriesByType('resource').map((entry) => {
        const url = new URL(entry.name)
        return [
          `${url.pathname}${url.search}`,
          (entry as PerformanceResourceTiming & { workerMatchedSourceType?: string }).workerMatchedSourceType,
        ]
      }),
    ),
  )
}

async function fetchTheTable(page: Page, app: { requestLog: Array<{ target: string; authScheme: string | null }> }) {
  await logIn(page)
  const targets = new Set(TABLE.map(([target]) => target))
  for (const [target] of TABLE) await pageFetch(page, target)
  return app.requestLog
    .filter(({ target }) => targets.has(target))
    .map(({ target, authScheme }) => ({ target, authScheme }))
}

const EXPECTED = TABLE.map(([target, getsToken]) => ({ target, authScheme: getsToken ? 'Bearer' : null }))

test.describe('the token stays on the prefix, on a segment boundary, as the server sees it', () => {
  test('with static routes: the server saw no Authorization on the look-alikes, and a bearer on /api and /api/x', async ({
    page,
    app,
  }) => {
    expect(await fetchTheTable(page, app)).toEqual(EXPECTED)
    // The browser itself sent the look-alikes to the network: this run did not test the worker's matching.
    const sources = await routerSources(page)
    expect(TABLE.map(([target]) => sources[target])).toEqual(TABLE.map(([, getsToken]) => (getsToken ? '' : 'network')))
  })

  test.describe('without static routes', () => {
    test.use({ staticRoutes: false })

    test("the worker's own matching sends no Authorization to the look-alikes, and a bearer to /api and /api/x", async ({
      page,
      app,
    }) => {
      expect(await fetchTheTable(page, app)).toEqual(EXPECTED)
      // Every request of the table reached the worker's fetch event: its matching decided.
      const sources = await routerSources(page)
      expect(TABLE.map(([target]) => sources[target])).toEqual(TABLE.map(() => ''))
    })
  })
})
