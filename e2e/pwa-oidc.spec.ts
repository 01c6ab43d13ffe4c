import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { expect, expireAccessToken, sessionEventTypes, test as base } from '../playwright/index.ts'
import { OidcApp } from './support/OidcApp.ts'
import { DEV_INTERACTIONS, startOidcProvider, type RunningOidcProvider } from './support/OidcProvider.ts'
import { pageFetch } from './support/tabs.ts'

// The Workbox mode with OpenID Connect (examples/pwa-oidc-app: vite-plugin-pwa injectManifest, the
// app's own Workbox worker with precaching and addTokenProxyRoutes({ oidc: openIdConnect(…) })),
// signing in at a real oidc-provider on another site, with an API that checks tokens by
// introspection at the provider.
const buildDir = fileURLToPath(new URL('../examples/pwa-oidc-app/dist', import.meta.url))

const test = base.extend<{ app: OidcApp; provider: RunningOidcProvider }>({
  app: async ({}, use) => {
    const app = await new OidcApp().start(buildDir)
    await use(app)
    await app.close()
  },
  provider: async ({ app }, use) => {
    // The app's start page is its redirect URI: it calls completeSignIn().
    const provider = await startOidcProvider({ clientOrigin: app.origin, clientRedirectUris: [`${app.origin}/`] })
    app.issuer = provider.issuer
    await use(provider)
    await provider.close()
  },
})

async function openApp(page: Page, app: OidcApp): Promise<void> {
  await page.goto(`${app.origin}/`)
  await expect(page.locator('#state')).toHaveText('Ready')
}

async function signIn(page: Page, app: OidcApp, provider: RunningOidcProvider, login: string): Promise<void> {
  await openApp(page, app)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${provider.issuer}/**`)
  await page.locator(DEV_INTERACTIONS.loginInput).fill(login)
  await page.locator(DEV_INTERACTIONS.passwordInput).fill('any password')
  await page.getByRole('button', { name: DEV_INTERACTIONS.loginButton }).click()
  await page.getByRole('button', { name: DEV_INTERACTIONS.consentButton }).click()
  await page.waitForURL(`${app.origin}/`)
  await expect(page.locator('#session-state')).toHaveText('signed in')
}

test('the app’s own Workbox worker signs in at the provider: the API gets the token, one refresh for two tabs, the shell is precached, logout ends the session everywhere', async ({
  context,
  app,
  provider,
}) => {
  const page = await context.newPage()
  await signIn(page, app, provider, 'alice')

  await expect(page.locator('#session-user')).toHaveText('as alice')
  // The provider issued tokens once (the code exchange); the address bar kept no code.
  expect(provider.counters.tokenRequests).toBe(1)
  expect(page.url()).toBe(`${app.origin}/`)
  expect((await pageFetch(page, '/api/me')).status).toBe(200)
  expect(app.records).toEqual([{ path: '/api/me', authorized: true, status: 200 }])
  // The worker is the app's Workbox worker: its precache holds the shell.
  expect(
    await page.evaluate(async () => ({
      controller: navigator.serviceWorker.controller?.scriptURL,
      shellPrecached: (await caches.match('/index.html', { ignoreSearch: true })) !== undefined,
    })),
  ).toEqual({ controller: `${app.origin}/sw.js`, shellPrecached: true })

  // Another tab of the same app shares the session; at expiry both tabs' requests wait on one refresh grant.
  const other = await context.newPage()
  await openApp(other, app)
  await expect(other.locator('#session-state')).toHaveText('signed in')
  await expireAccessToken(page)
  const statuses = await Promise.all(
    [page, other].map((tab) =>
      tab.evaluate(() => Promise.all(Array.from({ length: 3 }, async () => (await fetch('/api/data')).status))),
    ),
  )
  expect(statuses.flat()).toEqual(Array(6).fill(200))
  expect(provider.counters.refreshGrants).toBe(1)
  expect(app.records.every(({ authorized }) => authorized)).toBe(true)

  // A logout in one tab ends the session in both.
  await other.getByRole('button', { name: 'Log out' }).click()
  for (const tab of [page, other]) {
    await expect.poll(() => sessionEventTypes(tab)).toContain('session-ended')
    await expect(tab.locator('#session-state')).toHaveText('signed out')
  }
  // The refresh token was revoked at the provider (RFC 7009), and the API gets no token any more.
  expect(provider.counters.revocations).toBe(1)
  expect((await pageFetch(page, '/api/after-logout')).status).toBe(401)
  expect(app.records.at(-1)).toEqual({ path: '/api/after-logout', authorized: false, status: 401 })
  expect(provider.counters.tokenRequests).toBe(2)
})
