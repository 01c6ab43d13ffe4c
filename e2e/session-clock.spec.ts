import type { BrowserContext, Page } from '@playwright/test'
import { advanceSessionClock, sessionEvents, sessionStatus, waitForTokenProxy } from '../playwright/index.ts'
import { rewriteStoredSession } from '../playwright/storedSession.ts'
import { SESSION_DATABASE } from '../protocol/storage.ts'
import { withBrowserProfile } from './support/browserProfile.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Case 39, the session clock (Policy 16): one clock for every tab, kept by the worker. The
// deadlines are moved with advanceSessionClock(); nothing here waits out a real lifetime.

/** A tab of /session.html, whose worker is /sw-session.js (idle 120 s, ceiling 8 h, warning 30 s before). */
async function openSessionTab(context: BrowserContext, origin: string): Promise<Page> {
  const tab = await context.newPage()
  await tab.goto(`${origin}/session.html`)
  await waitForTokenProxy(tab)
  expect(await tab.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${origin}/sw-session.js`)
  return tab
}

/** This tab's client asks the worker for the status, and schedules its next check from the answer. */
const followStatus = (tab: Page) =>
  tab.evaluate(() => (window as unknown as { tokenProxyDemo: { status(): Promise<unknown> } }).tokenProxyDemo.status())

const heard = async (tab: Page, type: string) => (await sessionEvents(tab)).filter((event) => event.type === type)

test.describe('the session clock', () => {
  test('three tabs, one idle clock: a warning per tab, activity in any tab keeps all, inactivity in all ends all', async ({
    context,
    app,
  }) => {
    const tabs = [
      await openSessionTab(context, app.origin),
      await openSessionTab(context, app.origin),
      await openSessionTab(context, app.origin),
    ]
    await logIn(tabs[0]!)
    // 88 s without activity: the warning (30 s before the 120 s timeout) is 2 s away. Each tab's
    // client schedules its check from its status; when the checks come, the worker warns once.
    await advanceSessionClock(tabs[0]!, 88)
    await Promise.all(tabs.map(followStatus))
    for (const tab of tabs) {
      await expect.poll(() => heard(tab, 'session-expiring'), { timeout: 10_000 }).toHaveLength(1)
      expect((await heard(tab, 'session-expiring'))[0]?.payload).toMatchObject({ reason: 'idle' })
      await expect(tab.locator('#session-banner')).toBeVisible()
    }

    // Activity in one tab (a plain API call) withdraws the warning in every tab.
    expect((await pageFetch(tabs[1]!, '/api/still-here')).status).toBe(200)
    expect(app.api.records.find((record) => record.path === '/api/still-here')).toMatchObject({ authScheme: 'Bearer' })
    for (const tab of tabs) {
      await expect.poll(() => heard(tab, 'session-extended')).toHaveLength(1)
      await expect(tab.locator('#session-banner')).toBeHidden()
    }

    // The next warning, and "Stay signed in" in one tab withdraws it in every tab.
    await advanceSessionClock(tabs[0]!, 95)
    for (const tab of tabs) await expect.poll(() => heard(tab, 'session-expiring')).toHaveLength(2)
    await tabs[2]!.getByRole('button', { name: 'Stay signed in' }).click()
    for (const tab of tabs) {
      await expect.poll(() => heard(tab, 'session-extended')).toHaveLength(2)
      await expect(tab.locator('#session-banner')).toBeHidden()
    }
    expect((await sessionStatus(tabs[0]!)).authenticated).toBe(true)

    // Nobody active for the whole timeout: the session ends in every tab, once, saying why.
    await advanceSessionClock(tabs[0]!, 121)
    for (const tab of tabs) {
      await expect
        .poll(() => heard(tab, 'session-expired'))
        .toEqual([{ type: 'session-expired', payload: { reason: 'idle' } }])
      await expect(tab.locator('#state')).toContainText('Your session ended (idle)')
    }
    expect((await pageFetch(tabs[1]!, '/api/after-idle')).status).toBe(401)
    expect(app.api.records.find((record) => record.path === '/api/after-idle')).toMatchObject({ authScheme: null })
  })

  test('a tab opened during the warning learns it from status()', async ({ context, app }) => {
    const first = await openSessionTab(context, app.origin)
    await logIn(first)
    const status = await advanceSessionClock(first, 100)
    expect(status.expiring).toMatchObject({ reason: 'idle' })
    const late = await openSessionTab(context, app.origin)
    await expect(late.locator('#session-banner')).toBeVisible()
    // The same warning; `secondsLeft` is counted at each asking, so a loaded machine may differ by one.
    const { endsAt, reason } = status.expiring!
    expect((await sessionStatus(late)).expiring).toMatchObject({ endsAt, reason })
  })

  test.describe('with a server that answers refresh_expires_in', () => {
    test.use({ authOptions: { sendRefreshExpiresIn: true, refreshTtlSeconds: 3600 } })

    test("three tabs: the refresh token's lifetime warns every tab once and then ends the session, with no refresh", async ({
      page,
      app,
      openTab,
    }) => {
      // /sw.js has no session options: a refresh token's own lifetime ends the session anyway.
      const tabs = [page, await openTab(), await openTab()]
      const beforeLogin = Date.now()
      await logIn(page)
      const afterLogin = Date.now()
      // The server's hour, counted from receipt in whole seconds: bounded by when the login ran,
      // however slowly it ran.
      const { sessionEndsAt } = await sessionStatus(page)
      expect(sessionEndsAt).toBeGreaterThanOrEqual(beforeLogin + 3599_000)
      expect(sessionEndsAt).toBeLessThanOrEqual(afterLogin + 3600_000)

      // Inside the warning (60 s before, the default): every tab hears it once.
      await advanceSessionClock(page, 3550)
      await advanceSessionClock(tabs[1]!, 1)
      for (const tab of tabs) {
        await expect.poll(() => heard(tab, 'session-expiring')).toHaveLength(1)
        expect((await heard(tab, 'session-expiring'))[0]?.payload).toMatchObject({ reason: 'refresh_token_lifetime' })
      }

      await advanceSessionClock(page, 60)
      for (const tab of tabs)
        await expect
          .poll(() => heard(tab, 'session-expired'))
          .toEqual([{ type: 'session-expired', payload: { reason: 'refresh_token_lifetime' } }])
      expect((await pageFetch(tabs[2]!, '/api/after-lifetime')).status).toBe(401)
      expect(app.api.records.find((record) => record.path === '/api/after-lifetime')).toMatchObject({
        authScheme: null,
      })
      // The worker never presented the refresh token it knew to be dead.
      expect(app.auth.refreshLog).toEqual([])
    })
  })

  test.describe('with a server that answers refresh_expires_in, mid-request', () => {
    test.use({ authOptions: { sendRefreshExpiresIn: true, refreshTtlSeconds: 3600 } })

    test('a deadline that passes while a request is out gets the request its own answer: no refresh, no replay', async ({
      page,
      app,
      openTab,
    }) => {
      const other = await openTab()
      await logIn(page)
      // The API holds its answer (a 401) while the refresh token's lifetime runs out.
      app.api.failNext({ status: 401 })
      app.api.control.hold()
      const answer = pageFetch(page, '/api/in-flight')
      await app.api.control.waitForHeld()
      // The hour passes with nobody asking the worker: only the record moves.
      expect(
        await page.evaluate(rewriteStoredSession, { where: SESSION_DATABASE, change: { moveBackMs: 3600_000 } }),
      ).toBe(true)
      app.api.control.release()

      expect((await answer).status).toBe(401)
      expect(app.api.records.filter((record) => record.path === '/api/in-flight')).toHaveLength(1)
      expect(app.api.records.find((record) => record.path === '/api/in-flight')).toMatchObject({ authScheme: 'Bearer' })
      expect(app.auth.refreshLog).toEqual([])
      for (const tab of [page, other])
        await expect
          .poll(() => heard(tab, 'session-expired'))
          .toEqual([{ type: 'session-expired', payload: { reason: 'refresh_token_lifetime' } }])
    })
  })

  test('a session idle past its limit while the browser was closed comes back logged out', async ({ app }) => {
    await withBrowserProfile(async (launch) => {
      const { browser: first, page } = await launch()
      await page.goto(`${app.origin}/session.html`)
      await waitForTokenProxy(page)
      await logIn(page)
      expect((await pageFetch(page, '/api/before-closing')).status).toBe(200)
      // Three minutes pass with the browser closed: the record moves, and nobody tells the worker.
      expect(
        await page.evaluate(rewriteStoredSession, { where: SESSION_DATABASE, change: { moveBackMs: 180_000 } }),
      ).toBe(true)
      await first.close()

      const { browser: second, page: reopened } = await launch()
      await reopened.goto(`${app.origin}/session.html`)
      await waitForTokenProxy(reopened)
      expect((await pageFetch(reopened, '/api/after-reopen')).status).toBe(401)
      expect(await sessionStatus(reopened)).toEqual({ authenticated: false, expiresAt: null })
      await second.close()
      expect(app.api.records.find((record) => record.path === '/api/after-reopen')).toMatchObject({ authScheme: null })
      expect(app.auth.refreshLog).toEqual([])
    })
  })
})
