import type { Page } from '@playwright/test'
import { expect, test } from './support/fixtures.ts'
import { expireAccessToken, hardReload, sessionEventTypes } from '../playwright/index.ts'
import { logIn, pageFetch, readStoredSession } from './support/tabs.ts'

function burst(tab: Page, count: number, label: string): Promise<number[]> {
  return tab.evaluate(
    ([count, label]) =>
      Promise.all(
        Array.from(
          { length: count },
          async (_, i) => (await fetch(`/api/${label}/${i}`, { method: i % 2 ? 'POST' : 'GET' })).status,
        ),
      ),
    [count, label] as const,
  )
}

// Cases 9, 23 and 24: when the session really ends, every tab hears it once. (e2e/README.md)
test.describe('end of session', () => {
  test('a revoked refresh token: one refresh call, session cleared, session-expired once per tab, then no refresh until login', async ({
    page,
    app,
    openTab,
  }) => {
    const tabs = [page, await openTab(), await openTab()]
    await logIn(page)
    app.auth.revokeAll()

    const statuses = await Promise.all(tabs.map((tab, t) => burst(tab, 5, `revoked-${t}`)))

    expect(statuses.flat()).toEqual(Array(15).fill(401))
    expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['revoked'])
    expect(await readStoredSession(page)).toMatchObject({ hasTokens: false })
    for (const tab of tabs) {
      await expect.poll(() => sessionEventTypes(tab)).toEqual(['session-started', 'session-expired'])
    }

    await Promise.all(tabs.map((tab, t) => burst(tab, 5, `after-${t}`)))
    expect(app.auth.refreshLog).toHaveLength(1)
    expect(
      app.api.records
        .filter((record) => record.path.startsWith('/api/after-'))
        .every((record) => record.authScheme === null),
    ).toBe(true)

    await logIn(page)
    expect((await pageFetch(page, '/api/after-login')).status).toBe(200)
  })

  test.describe('with an expired access token', () => {
    test('5 tabs × 20 requests with a revoked refresh token: one refresh call, one session-expired per tab, all 401', async ({
      page,
      app,
      openTab,
    }) => {
      const tabs = [page, ...(await Promise.all([openTab(), openTab(), openTab(), openTab()]))]
      await logIn(page)
      app.auth.revokeAll()
      await expireAccessToken(page)

      const statuses = await Promise.all(tabs.map((tab, t) => burst(tab, 20, `expired-${t}`)))

      expect(statuses.flat()).toEqual(Array(100).fill(401))
      expect(app.auth.refreshLog).toHaveLength(1)
      for (const tab of tabs) {
        await expect.poll(() => sessionEventTypes(tab)).toEqual(['session-started', 'session-expired'])
      }
    })
  })

  test('session messages reach a tab the worker does not control (Policy 8)', async ({ page, app, context }) => {
    // A page that never registers the worker, shift-reloaded: nothing will ever claim it.
    app.pages.set('/plain.html', '<!doctype html><title>plain</title><p>No worker registration here.</p>')
    const uncontrolled = await context.newPage()
    await uncontrolled.goto(`${app.origin}/plain.html`)
    await hardReload(uncontrolled)
    expect(await uncontrolled.evaluate(() => navigator.serviceWorker.controller)).toBeNull()

    await logIn(page)
    await pageFetch(page, '/auth/logout', { method: 'POST' })

    await expect.poll(() => sessionEventTypes(uncontrolled)).toEqual(['session-started', 'session-ended'])
  })

  test('logout in one tab: every tab gets session-ended, the store is cleared, next requests carry no token', async ({
    page,
    app,
    openTab,
  }) => {
    const tabs = [page, await openTab(), await openTab()]
    await logIn(page)
    expect((await pageFetch(tabs[2]!, '/api/before-logout')).status).toBe(200)

    expect((await pageFetch(tabs[1]!, '/auth/logout', { method: 'POST' })).status).toBe(204)

    expect(app.auth.counters.logouts).toBe(1)
    for (const tab of tabs) {
      await expect.poll(() => sessionEventTypes(tab)).toEqual(['session-started', 'session-ended'])
    }
    expect(await readStoredSession(page)).toMatchObject({ hasTokens: false })
    await Promise.all(tabs.map((tab) => pageFetch(tab, '/api/after-logout')))
    expect(
      app.api.records.filter((record) => record.path === '/api/after-logout').map((record) => record.authScheme),
    ).toEqual([null, null, null])
  })
})
