import type { Page } from '@playwright/test'
import { expect, expireAccessToken, sessionEventTypes, test, waitForTokenProxy } from 'sw-token-proxy/playwright'

// With rotating refresh tokens, a saved storageState holds one refresh token: the first test that
// renews it rotates it, and a second test renewing from the same saved state would present a used
// token, which the server treats as theft. Tests that renew or end the session log in on their own.
test.use({ storageState: { cookies: [], origins: [] } })

async function logIn(page: Page): Promise<void> {
  await page.goto('/?auto=0')
  await waitForTokenProxy(page)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.locator('#session-state')).toHaveText('logged in')
}

test('an expired access token is renewed once, and the call succeeds', async ({ page }) => {
  await logIn(page)
  const refreshesBefore = Number(await page.locator('#stat-refreshes').textContent())
  const successfulCalls = page.locator('#log li', { hasText: 'GET /api/me → 200' })
  const callsBefore = await successfulCalls.count()

  await expireAccessToken(page)
  await page.getByRole('button', { name: 'GET /api/me' }).click()

  // The refresh broadcast and the call's response reach the page independently, in either order.
  await expect(page.locator('#log')).toContainText('worker: access token refreshed')
  await expect(successfulCalls).toHaveCount(callsBefore + 1)
  await expect(page.locator('#stat-refreshes')).toHaveText(String(refreshesBefore + 1))
  expect(await sessionEventTypes(page)).toEqual(['session-started', 'session-refreshed'])
})

test('every open tab shows the session-expired state when the server refuses the refresh', async ({
  page,
  context,
}) => {
  await logIn(page)
  const otherTab = await context.newPage()
  await otherTab.goto('/?auto=0')
  await waitForTokenProxy(otherTab)

  await page.getByRole('button', { name: 'Revoke this session on the server' }).click()
  await expect(page.locator('#log')).toContainText('POST /api/session/revoke → 204')
  await page.getByRole('button', { name: 'GET /api/me' }).click()

  for (const tab of [page, otherTab]) {
    await expect(tab.getByText('Your session expired. Please log in again.')).toBeVisible()
    expect(await sessionEventTypes(tab)).toContain('session-expired')
  }
})
