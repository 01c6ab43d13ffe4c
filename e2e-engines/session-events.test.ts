import { expect, test } from 'vitest'
import type { Tab } from './support/Browser.ts'
import { describeEngines } from './support/describeEngines.ts'
import { startScene } from './support/startScene.ts'
import { logIn, sessionEventTypes, sessionStatus, tabFetch } from './support/tokenProxyTab.ts'

// e2e/README.md cases 9, 24 and 31: when the session really ends, every tab hears it, once.

/**
 * Each tab's events, once a new login's `session-started` has arrived after them. Messages from
 * the worker to a tab arrive in the order it posts them, so a duplicate of an earlier event
 * would show up before that fence: comparing the whole list then proves "exactly once".
 */
async function eventsUpToNextLogin(tabs: Tab[]): Promise<string[][]> {
  await logIn(tabs[0]!)
  for (const tab of tabs) await expect.poll(async () => (await sessionEventTypes(tab)).at(-1)).toBe('session-started')
  return Promise.all(tabs.map((tab) => sessionEventTypes(tab)))
}

describeEngines('the end of a session', (engine) => {
  test('logout in one tab: every tab gets session-ended once, the store is cleared, the next requests carry no token', async () => {
    const { app, openApp } = await startScene(engine.browser())
    const tabs = [await openApp(), await openApp(), await openApp()]
    await logIn(tabs[0]!)
    expect((await tabFetch(tabs[2]!, '/api/before-logout')).status).toBe(200)

    expect((await tabFetch(tabs[1]!, '/auth/logout', { method: 'POST' })).status).toBe(204)

    expect(app.auth.counters.logouts).toBe(1)
    for (const tab of tabs)
      await expect.poll(() => sessionEventTypes(tab)).toEqual(['session-started', 'session-ended'])
    expect(await sessionStatus(tabs[2]!)).toEqual({ authenticated: false, expiresAt: null })
    for (const tab of tabs) await tabFetch(tab, '/api/after-logout')
    expect(
      app.api.records.filter((record) => record.path === '/api/after-logout').map((record) => record.authScheme),
    ).toEqual([null, null, null])
    expect(await eventsUpToNextLogin(tabs)).toEqual(
      Array(3).fill(['session-started', 'session-ended', 'session-started']),
    )
  })

  test('a session revoked on the server: one refresh attempt, then session-expired once in every tab', async () => {
    const { app, openApp } = await startScene(engine.browser())
    const tabs = [await openApp(), await openApp(), await openApp()]
    await logIn(tabs[0]!)
    // An administrator's "sign out everywhere": the access token and the refresh token are dead.
    app.auth.revokeAll()

    expect((await tabFetch(tabs[1]!, '/api/after-revocation')).status).toBe(401)

    expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['revoked'])
    for (const tab of tabs)
      await expect.poll(() => sessionEventTypes(tab)).toEqual(['session-started', 'session-expired'])
    expect(await sessionStatus(tabs[0]!)).toEqual({ authenticated: false, expiresAt: null })
    expect((await tabFetch(tabs[2]!, '/api/after-expiry')).status).toBe(401)
    expect(app.auth.refreshLog).toHaveLength(1)
    expect(await eventsUpToNextLogin(tabs)).toEqual(
      Array(3).fill(['session-started', 'session-expired', 'session-started']),
    )
  })
})
