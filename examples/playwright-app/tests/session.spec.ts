import {
  expect,
  sessionEventTypes,
  sessionStatus,
  stopServiceWorker,
  test,
  waitForTokenProxy,
} from 'sw-token-proxy/playwright'

// These tests start from the saved session (storageState) and never renew it: see expiry.spec.ts
// for why tests that renew the token log in on their own.
test('starts logged in from the saved session, without logging in again', async ({ page }) => {
  await page.goto('/?auto=0')
  await waitForTokenProxy(page)

  await expect(page.locator('#session-state')).toHaveText('logged in')
  expect(await sessionStatus(page)).toMatchObject({ authenticated: true })
})

test('API calls carry the token, and keep working after the worker is stopped', async ({ page, workerRequests }) => {
  await page.goto('/?auto=0')
  await waitForTokenProxy(page)

  await page.getByRole('button', { name: 'GET /api/me' }).click()
  await stopServiceWorker(page)
  await page.getByRole('button', { name: 'GET /api/me' }).click()

  await expect(page.locator('#log')).toContainText('GET /api/me → 200 (token added by the worker)')
  await expect
    .poll(() =>
      workerRequests.filter((request) => request.url.endsWith('/api/me')).map((request) => request.authorized),
    )
    .toEqual([true, true])
  expect(await sessionEventTypes(page)).toEqual([])
})
