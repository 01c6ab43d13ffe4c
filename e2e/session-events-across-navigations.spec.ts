import { sessionEventTypes, sessionEvents, waitForTokenProxy } from '../playwright/index.ts'
import { signIn } from './support/oidcPages.ts'
import { oidcTest } from './support/oidcFixtures.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn } from './support/tabs.ts'

// The Playwright helpers' recorder keeps a tab's session events across its navigations: what
// reached one document is still listed once the tab has moved on.

test('a tab’s events survive its navigations and reloads, in order, each once', async ({ page, app }) => {
  await logIn(page)
  await expect.poll(() => sessionEventTypes(page)).toEqual(['session-started'])

  await page.goto(`${app.origin}/minimal.html?second`)
  await waitForTokenProxy(page)
  await page.reload()
  await waitForTokenProxy(page)
  expect(await sessionEventTypes(page)).toEqual(['session-started'])

  await page.evaluate(() => fetch('/auth/logout', { method: 'POST' }))
  await expect.poll(() => sessionEventTypes(page)).toEqual(['session-started', 'session-ended'])
  // Nothing of the recorder is left in the page's own storage.
  expect(await page.evaluate(() => [Object.keys(localStorage), Object.keys(sessionStorage)])).toEqual([[], []])
})

test('another tab of the context keeps only its own events', async ({ page, openTab }) => {
  await logIn(page)
  const other = await openTab()
  await other.reload()
  await waitForTokenProxy(other)
  expect(await sessionEventTypes(other)).toEqual([])
  await expect.poll(() => sessionEventTypes(page)).toEqual(['session-started'])
})

oidcTest(
  'the callback page’s session-started is still there after the app sends the tab to returnTo',
  async ({ page, app, provider }) => {
    await signIn(page, app, provider)
    await expect.poll(() => sessionEventTypes(page)).toEqual(['session-started'])
    // What the README's callback page does once completeSignIn() answers returnTo: a page of the
    // same app (the same worker; a page registering another worker script would replace it).
    await page.evaluate(() => {
      ;(window as unknown as { before?: boolean }).before = true
      location.replace('/oidc.html?returned')
    })
    await page.waitForURL(`${app.origin}/oidc.html?returned`)
    // A new document, not the same one with another address.
    expect(await page.evaluate(() => (window as unknown as { before?: boolean }).before)).toBeUndefined()
    await waitForTokenProxy(page)
    await expect(page.locator('#session-state')).toHaveText('signed in')
    expect(await sessionEvents(page)).toEqual([
      { type: 'session-started', payload: { expiresAt: expect.any(Number) as unknown } },
    ])
  },
)
