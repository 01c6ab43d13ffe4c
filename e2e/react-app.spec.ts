import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { startDemoServer, type RunningDemoServer } from '../demo/server/createDemoServer.ts'
import { expect, expireAccessToken, sessionStatus, test } from '../playwright/index.ts'
import { pageFetch } from './support/tabs.ts'

// Case 41: the React binding (examples/react-app: <TokenProxyProvider>, useSession(),
// useSessionEvent(), useTokenProxy().logout()) in several tabs against the demo servers.
// (e2e/README.md)
const buildDir = fileURLToPath(new URL('../examples/react-app/dist', import.meta.url))

let react: RunningDemoServer
test.beforeEach(async () => {
  react = await startDemoServer({ staticDir: buildDir })
})
test.afterEach(async () => {
  await react.close()
})

async function openTabs(page: () => Promise<Page>, count: number): Promise<Page[]> {
  const tabs = await Promise.all(Array.from({ length: count }, page))
  for (const tab of tabs) {
    await tab.goto(`${react.origin}/`)
    await expect(tab.locator('#state')).toHaveText('Ready')
  }
  return tabs
}

/** The login form's plain fetch, with the demo's user. */
async function logIn(tab: Page): Promise<void> {
  await tab.getByRole('button', { name: 'Log in' }).click()
  await expect(tab.locator('#user')).toHaveText('Signed in as demo')
}

/** No token the server issued is in what the tab renders. */
async function rendersNoToken(tab: Page): Promise<void> {
  const html = await tab.content()
  expect(react.auth.issuedTokens.length).toBeGreaterThan(0)
  expect(react.auth.issuedTokens.filter((token) => html.includes(token))).toEqual([])
}

test('a login in one tab shows the user in all three; a logout in another ends the session in all three', async ({
  context,
}) => {
  const tabs = await openTabs(() => context.newPage(), 3)
  for (const tab of tabs) await expect(tab.locator('#user')).toHaveText('Signed out')

  await logIn(tabs[0]!)
  for (const tab of tabs) {
    await expect(tab.locator('#user')).toHaveText('Signed in as demo')
    await expect(tab.locator('#expiry')).toHaveAttribute('data-expires-at', /^\d+$/)
    await rendersNoToken(tab)
  }
  expect(react.auth.counters.logins).toBe(1)

  await tabs[1]!.getByRole('button', { name: 'Log out' }).click()
  for (const tab of tabs) await expect(tab.locator('#user')).toHaveText('Signed out (logout)')
  // The worker tells every tab first, then calls the logout endpoint.
  await expect.poll(() => react.auth.counters.logouts).toBe(1)
  expect((await pageFetch(tabs[2]!, '/api/after-logout')).status).toBe(401)
  expect(react.api.records.find(({ path }) => path === '/api/after-logout')?.authScheme).toBeNull()
})

test('a revoked refresh token ends the session in every tab, with the reason', async ({ context }) => {
  const tabs = await openTabs(() => context.newPage(), 3)
  await logIn(tabs[0]!)
  react.auth.revokeAll()

  await tabs[2]!.getByRole('button', { name: 'Call the API' }).click()
  for (const tab of tabs) await expect(tab.locator('#user')).toHaveText('Signed out (invalid_grant)')
  expect(react.auth.refreshLog.map(({ outcome }) => outcome)).toEqual(['revoked'])
})

test('after an expiry and an API call, every tab re-renders with the new expiry, without a reload: one refresh', async ({
  context,
}) => {
  const tabs = await openTabs(() => context.newPage(), 2)
  await logIn(tabs[0]!)
  const before = Number(await tabs[1]!.locator('#expiry').getAttribute('data-expires-at'))
  // A reload would lose this mark.
  for (const tab of tabs) await tab.evaluate(() => (document.documentElement.dataset['sameDocument'] = 'yes'))

  await expireAccessToken(tabs[0]!)
  await tabs[0]!.getByRole('button', { name: 'Call the API' }).click()
  await expect(tabs[0]!.locator('#api')).toHaveText('200')

  expect(react.auth.refreshLog.map(({ outcome }) => outcome)).toEqual(['rotated'])
  const { expiresAt } = await sessionStatus(tabs[0]!)
  expect(expiresAt).toBeGreaterThan(before)
  for (const tab of tabs) {
    await expect(tab.locator('#expiry')).toHaveAttribute('data-expires-at', String(expiresAt))
    await expect(tab.locator('#renewals')).toHaveText('Renewals heard: 1')
    expect(await tab.evaluate(() => document.documentElement.dataset['sameDocument'])).toBe('yes')
    await rendersNoToken(tab)
  }
  expect(react.api.records.map(({ path, authorized }) => `${path} ${authorized}`)).toEqual(['/api/me true'])
})
