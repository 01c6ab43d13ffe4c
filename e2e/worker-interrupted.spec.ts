import type { Page } from '@playwright/test'
import type { RunningDemoServer } from '../demo/server/createDemoServer.ts'
import { sessionEventTypes, stopServiceWorker } from '../playwright/index.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

/**
 * Logs in, starts a refresh (an API 401) and stops the worker once the server has rotated the
 * refresh token but before its answer arrives: the answer dies with the worker.
 */
async function stopWorkerMidRefresh(page: Page, app: RunningDemoServer): Promise<void> {
  await logIn(page)
  app.refreshControl.hold()
  app.api.failNext({ status: 401 })
  const trigger = pageFetch(page, '/api/trigger').catch(() => ({ status: 0, body: '' }))
  await app.refreshControl.waitForHeld()
  await stopServiceWorker(page)
  app.refreshControl.release()
  await trigger
}

// Cases 15 and 16: a refresh interrupted by the worker stopping or being replaced. (e2e/README.md)
test.describe('a refresh in flight when the worker goes away', () => {
  test.describe('with a strict server', () => {
    test.use({ authOptions: { rotation: 'strict' } })

    test('no stuck lock, no refresh loop, at most one session-expired per tab', async ({ page, app, openTab }) => {
      const other = await openTab()
      await stopWorkerMidRefresh(page, app)

      // The restarted worker must refresh with the only token it has: the server calls it reuse.
      app.api.failNext({ status: 401 }, 2)
      const statuses = await Promise.all([pageFetch(page, '/api/after-stop'), pageFetch(other, '/api/after-stop')])
      expect(statuses.map((response) => response.status)).toEqual([401, 401])
      await Promise.all([pageFetch(page, '/api/later'), pageFetch(other, '/api/later')])

      expect(app.refreshControl.attempts).toBe(2)
      for (const tab of [page, other]) {
        await expect.poll(() => sessionEventTypes(tab)).toEqual(['session-started', 'session-expired'])
      }
    })
  })

  test.describe('with a server that allows reuse within a grace window', () => {
    test.use({ authOptions: { rotation: 'grace', graceSeconds: 30 } })

    test('the session continues after the restart', async ({ page, app, openTab }) => {
      const other = await openTab()
      await stopWorkerMidRefresh(page, app)

      app.api.failNext({ status: 401 })
      expect((await pageFetch(other, '/api/after-stop')).status).toBe(200)
      expect((await pageFetch(page, '/api/after-stop')).status).toBe(200)

      expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['rotated', 'grace'])
      expect(app.auth.counters.reuseDetections).toBe(0)
      for (const tab of [page, other]) expect(await sessionEventTypes(tab)).not.toContain('session-expired')
    })
  })

  test('a new worker version installed mid-refresh: one refresh reaches the server and no page sees a 401', async ({
    page,
    app,
    openTab,
  }) => {
    const other = await openTab()
    await logIn(page)
    app.refreshControl.hold()
    app.api.failNext({ status: 401 })
    const trigger = pageFetch(page, '/api/trigger')
    await app.refreshControl.waitForHeld()

    // Publish a new worker version while the old one holds the refresh.
    app.worker.variant = 'version 2'
    await other.evaluate(async () => {
      const state = window as unknown as { oldController: ServiceWorker | null }
      state.oldController = navigator.serviceWorker.controller
      const registration = await navigator.serviceWorker.getRegistration()
      await registration?.update()
    })
    await other.waitForFunction(async () => (await navigator.serviceWorker.getRegistration())?.installing === null)

    // Another tab needs a refresh during the update: it must share the one in flight.
    app.api.failNext({ status: 401 })
    const second = pageFetch(other, '/api/during-update')
    await expect.poll(() => app.api.records.filter((record) => record.path === '/api/during-update').length).toBe(1)
    app.refreshControl.release()
    expect([(await trigger).status, (await second).status]).toEqual([200, 200])

    // The new version takes over (skipWaiting + clients.claim) and serves the renewed session as is.
    await other.waitForFunction(() => {
      const controller = navigator.serviceWorker.controller
      return (
        controller !== null &&
        controller !== (window as unknown as { oldController: ServiceWorker | null }).oldController
      )
    })
    expect((await pageFetch(other, '/api/after-update')).status).toBe(200)
    expect((await pageFetch(page, '/api/after-update')).status).toBe(200)
    expect(app.refreshControl.attempts).toBe(1)
    expect(app.auth.counters.reuseDetections).toBe(0)
  })
})
