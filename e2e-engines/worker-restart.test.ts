import { expect, test } from 'vitest'
import { describeEngines } from './support/describeEngines.ts'
import { startScene } from './support/startScene.ts'
import { logIn, tabFetch, waitForTokenProxy } from './support/tokenProxyTab.ts'
import { withStartBeacon } from './support/workerVariants.ts'

// e2e/README.md cases 14 and 31: the worker is stopped and started again; the session is still there.

/** Attempts at getting the engine to stop the idle worker; each waits a little longer for it. */
const ATTEMPTS = 15
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Firefox stops an idle worker on its own only after 30 s (dom.serviceWorkers.idle_timeout): this
// block's Firefox does it after 300 ms (the launch option at the end).
describeEngines(
  'a worker restart',
  (engine) => {
    test('the session survives: after the engine stops the idle worker and starts it again, requests are authorised with no refresh', async () => {
      const { app, thirdParty, openApp } = await startScene(engine.browser(), {
        worker: (thirdParty) => withStartBeacon(thirdParty.origin),
      })
      const recorded = (what: string) => thirdParty.records.filter((record) => record.path === `/${what}`).length
      const tab = await openApp()
      await logIn(tab)
      expect((await tabFetch(tab, '/api/before')).status).toBe(200)
      const startsBefore = recorded('worker-started')

      // Each attempt leaves the worker idle the way this engine stops idle workers, then sends it a
      // request, until the other site has recorded the worker's script starting again.
      for (let attempt = 1; attempt <= ATTEMPTS && recorded('worker-started') === startsBefore; attempt++) {
        const stop = engine.backend.workerStop
        if (stop === 'command') await engine.browser().stopServiceWorkers!(tab)
        else if (stop === 'idle-timeout') await pause(Math.min(attempt * 250, 2_000))
        else {
          // No page of the app's site open any more: WebKit stops the site's worker.
          await tab.goto(`${thirdParty.origin}/`)
          await pause(Math.min(attempt * 100, 1_000))
          await tab.goto(`${app.origin}/minimal.html`)
          await waitForTokenProxy(tab)
        }
        expect((await tabFetch(tab, `/api/attempt-${attempt}`)).status).toBe(200)
      }
      expect(recorded('worker-started')).toBeGreaterThan(startsBefore)
      // A restart of the same worker, not an update to a new one.
      expect(recorded('worker-installed')).toBe(1)

      expect((await tabFetch(tab, '/api/after-restart')).status).toBe(200)
      expect(app.api.records.every((record) => record.authorized && record.authScheme === 'Bearer')).toBe(true)
      expect(app.auth.refreshLog).toHaveLength(0)
      expect(app.auth.counters.logins).toBe(1)
    })
  },
  { workerIdleTimeoutMs: 300 },
)
