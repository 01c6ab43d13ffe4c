import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from '@playwright/test'
import { expireAccessToken } from '../playwright/index.ts'
import { startDemoServer, type RunningDemoServer } from '../demo/server/createDemoServer.ts'
import { expect, test } from './support/fixtures.ts'

// The Vue binding in a real app (examples/vue-app: an SFC on sw-token-proxy/vue, built by Vite and
// @vitejs/plugin-vue), against the demo's auth server and API. Case 41 (e2e/README.md).
const vueBuildDir = fileURLToPath(new URL('../examples/vue-app/dist', import.meta.url))

let server: RunningDemoServer
test.beforeEach(async () => {
  server = await startDemoServer({ staticDir: vueBuildDir })
})
test.afterEach(async () => {
  await server.close()
})

async function openTabs(context: BrowserContext, count: number): Promise<Page[]> {
  const tabs: Page[] = []
  for (let i = 0; i < count; i++) {
    const tab = await context.newPage()
    await tab.goto(`${server.origin}/`)
    // The plugin registered the worker and read the first status: the login form shows.
    await expect(tab.locator('#state')).toHaveText('Ready')
    await expect(tab.getByRole('button', { name: 'Log in' })).toBeVisible()
    tabs.push(tab)
  }
  return tabs
}

/** The access token's expiry each tab renders (useSession().expiresAt), epoch ms. */
const renderedExpiry = async (tab: Page) => Number(await tab.locator('#expiry').getAttribute('data-expires-at'))

test('useSession() shows the login in every tab, re-renders each with the renewed expiry without a reload, and the logout everywhere', async ({
  context,
}) => {
  const [first, ...others] = await openTabs(context, 3)
  const tabs = [first!, ...others]

  // A plain fetch to the login endpoint from the app's form, in the first tab.
  await first!.getByLabel('Password').fill('demo')
  await first!.getByRole('button', { name: 'Log in' }).click()
  for (const tab of tabs) await expect(tab.locator('#user')).toHaveText('Signed in as demo')
  expect(server.auth.counters.logins).toBe(1)
  const loginExpiry = await renderedExpiry(first!)
  expect(loginExpiry).toBeGreaterThan(0)
  for (const tab of others) expect(await renderedExpiry(tab)).toBe(loginExpiry)

  // The token expires (on command), then one API call from the second tab renews it for all tabs:
  // each re-renders with the new expiry, no reload, no request of its own.
  const documents = await Promise.all(tabs.map((tab) => tab.evaluate(() => performance.timeOrigin)))
  await expireAccessToken(first!)
  await tabs[1]!.getByRole('button', { name: 'Call the API' }).click()
  await expect(tabs[1]!.locator('#message')).toHaveText('GET /api/me → 200')
  for (const tab of tabs) await expect.poll(() => renderedExpiry(tab)).toBeGreaterThan(loginExpiry)
  const renewed = await renderedExpiry(first!)
  for (const tab of tabs) expect(await renderedExpiry(tab)).toBe(renewed)
  expect(server.auth.refreshLog.map(({ outcome }) => outcome)).toEqual(['rotated'])
  expect(server.api.records.map(({ path, authorized }) => ({ path, authorized }))).toEqual([
    { path: '/api/me', authorized: true },
  ])
  expect(await Promise.all(tabs.map((tab) => tab.evaluate(() => performance.timeOrigin)))).toEqual(documents)

  // A logout in the third tab ends the session in every tab.
  await tabs[2]!.getByRole('button', { name: 'Log out' }).click()
  for (const tab of tabs) {
    await expect(tab.locator('#end')).toHaveText('Logged out.')
    await expect(tab.locator('#user')).toHaveCount(0)
    await expect(tab.getByRole('button', { name: 'Log in' })).toBeVisible()
  }
  expect(server.auth.counters.logouts).toBe(1)
  // Still one refresh in all: the end was told to the tabs, not found out by calling the servers.
  expect(server.auth.refreshLog).toHaveLength(1)
})

test('a refused refresh shows every tab the end, with its reason', async ({ context }) => {
  const tabs = await openTabs(context, 2)
  await tabs[0]!.getByLabel('Password').fill('demo')
  await tabs[0]!.getByRole('button', { name: 'Log in' }).click()
  for (const tab of tabs) await expect(tab.locator('#user')).toHaveText('Signed in as demo')

  server.auth.revokeAll()
  await expireAccessToken(tabs[0]!)
  await tabs[0]!.getByRole('button', { name: 'Call the API' }).click()
  for (const tab of tabs)
    await expect(tab.locator('#end')).toHaveText('Your session expired (invalid_grant): please log in again.')
  expect(server.auth.refreshLog).toHaveLength(1)
})
