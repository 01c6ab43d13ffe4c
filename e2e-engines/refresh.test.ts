import { expect, test } from 'vitest'
import { describeEngines } from './support/describeEngines.ts'
import { startScene } from './support/startScene.ts'
import {
  expireAccessToken,
  finishRequests,
  logIn,
  sessionEvents,
  sessionStatus,
  startRequests,
  tabFetch,
} from './support/tokenProxyTab.ts'
import { withRefreshTimeout } from './support/workerVariants.ts'

// e2e/README.md cases 7, 22 and 31: one refresh for every tab, and a refresh that hangs times out.
describeEngines('refreshing the access token', (engine) => {
  test('three tabs across three expiries: one refresh per expiry, every request authorised, no refresh token presented twice', async () => {
    const { app, openApp } = await startScene(engine.browser())
    const tabs = [await openApp(), await openApp(), await openApp()]
    await logIn(tabs[0]!)

    for (let expiry = 1; expiry <= 3; expiry++) {
      // Expired on command (the stored record, then STATUS), never by waiting out a lifetime.
      await expireAccessToken(tabs[0]!)
      // The refresh answer is held until every tab has sent its requests, so they reach the worker
      // while the one refresh is in flight (any that arrive after it use the new token: either
      // way, one refresh is the right count).
      app.refreshControl.hold()
      await startRequests(tabs[0]!, `expiry-${expiry}-tab-0`, 6)
      await app.refreshControl.waitForHeld()
      for (const [t, tab] of tabs.slice(1).entries()) await startRequests(tab, `expiry-${expiry}-tab-${t + 1}`, 6)
      app.refreshControl.release()

      const statuses = await Promise.all(tabs.map((tab) => finishRequests(tab)))
      expect(statuses.flat()).toEqual(Array(18).fill(200))
      expect(app.auth.counters.refreshes).toBe(expiry)
    }

    expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['rotated', 'rotated', 'rotated'])
    expect(new Set(app.auth.refreshLog.map((entry) => entry.presented)).size).toBe(3)
    expect(app.auth.counters.reuseDetections).toBe(0)
    expect(app.api.records).toHaveLength(54)
    expect(app.api.records.every((record) => record.authorized && record.status === 200)).toBe(true)
  })

  test('a refresh endpoint that never answers: refresh-failed with reason "timeout", and the session is kept', async () => {
    // The demo worker waits the default 10 s for a refresh; this one, 1 s.
    const { app, openApp } = await startScene(engine.browser(), { worker: () => withRefreshTimeout(1_000) })
    const tabs = [await openApp(), await openApp()]
    await logIn(tabs[0]!)
    app.refreshControl.fail({ kind: 'hang' })
    await expireAccessToken(tabs[0]!)

    // A passing failure: the request goes out with the token it has, which the API still takes.
    expect((await tabFetch(tabs[0]!, '/api/during-hang')).status).toBe(200)

    for (const tab of tabs) {
      const failures = async () =>
        (await sessionEvents(tab))
          .filter((event) => event.type !== 'session-started')
          .map(({ type, payload }) => ({ type, reason: payload['reason'], retryAt: typeof payload['retryAt'] }))
      await expect.poll(failures).toEqual([{ type: 'refresh-failed', reason: 'timeout', retryAt: 'number' }])
    }
    expect(app.refreshControl.attempts).toBe(1)
    expect(await sessionStatus(tabs[1]!)).toMatchObject({ authenticated: true })
    expect(app.api.records).toEqual([expect.objectContaining({ path: '/api/during-hang', authorized: true })])
  })
})
