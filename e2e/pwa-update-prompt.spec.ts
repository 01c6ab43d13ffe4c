import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import type { TokenProxyClient } from '../client/index.ts'
import { startDemoServer, type RunningDemoServer } from '../demo/server/createDemoServer.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// A PWA that prompts to update (examples/pwa-prompt-app: vite-plugin-pwa injectManifest with
// registerType 'prompt', its own Workbox worker that waits for SKIP_WAITING, the plugin's own
// registerSW({ onNeedRefresh }) and updateSW(true)) that also registers the token proxy.
const buildDir = fileURLToPath(new URL('../examples/pwa-prompt-app/dist', import.meta.url))

declare global {
  interface Window {
    // What examples/pwa-prompt-app/src/main.ts puts there.
    tokenProxy?: TokenProxyClient
    /** Set by this test in the document before the update: a reload forgets it. */
    beforeUpdate?: true
  }
}

let pwa: RunningDemoServer
test.beforeEach(async () => {
  pwa = await startDemoServer({ staticDir: buildDir })
})
test.afterEach(async () => {
  await pwa.close().catch(() => undefined)
})

async function openApp(page: Page): Promise<void> {
  await page.goto(`${pwa.origin}/`)
  await expect(page.locator('#state')).toHaveText('Ready')
}

const logins = () => pwa.requests.filter((request) => request === 'POST /auth/login').length

// A first visit's page was claimed by registerTokenProxy() (the worker does not claim); a returning
// visit's page was controlled from its start. workbox-window reloads only the second kind itself.
for (const visit of ['a first visit', 'a returning visit'] as const) {
  test(`${visit}: a signed-in tab accepts the update prompt, the new worker takes over, the page reloads, the session goes on without a login or a refresh`, async ({
    context,
  }) => {
    const page = await context.newPage()
    await openApp(page)
    expect((await logIn(page)).status).toBe(200)
    if (visit === 'a returning visit') await openApp(page)
    expect((await pageFetch(page, '/api/before-update')).status).toBe(200)
    await expect(page.locator('#update-prompt')).toBeHidden()

    // Version 2 of the worker is deployed; the browser's update check (here asked for at once) finds it.
    pwa.worker.variant = 'version 2'
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((registration) => registration?.update()))

    // It installs and waits; the app asks the user, and version 1 keeps serving meanwhile.
    await expect(page.locator('#update-prompt')).toBeVisible()
    expect(
      await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration()
        return { waiting: registration?.waiting?.state, active: registration?.active?.state }
      }),
    ).toEqual({ waiting: 'installed', active: 'activated' })
    expect((await pageFetch(page, '/api/while-waiting')).status).toBe(200)

    await page.evaluate(() => (window.beforeUpdate = true))
    const reloaded = page.waitForEvent('load')
    await page.getByRole('button', { name: 'Update' }).click()
    await reloaded
    await expect(page.locator('#state')).toHaveText('Ready')

    // A new document, controlled by the worker that was waiting: a waiting worker leaves the
    // registration's waiting slot only by activating (or by turning redundant, which only a newer
    // version or an unregistration does, neither of which happened here).
    expect(await page.evaluate(() => window.beforeUpdate)).toBeUndefined()
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration()
          return {
            installing: registration?.installing ?? null,
            waiting: registration?.waiting ?? null,
            active: registration?.active?.state,
            controlled: navigator.serviceWorker.controller !== null,
          }
        }),
      )
      .toEqual({
        installing: null,
        waiting: null,
        active: 'activated',
        controlled: true,
      })

    // The session is the one from before: the API gets its token, and the servers saw one login and no refresh.
    expect(await page.evaluate(() => window.tokenProxy!.status())).toMatchObject({ authenticated: true })
    expect((await pageFetch(page, '/api/after-update')).status).toBe(200)
    expect(pwa.api.records.map(({ path, authorized }) => [path, authorized])).toEqual([
      ['/api/before-update', true],
      ['/api/while-waiting', true],
      ['/api/after-update', true],
    ])
    expect(logins()).toBe(1)
    expect(pwa.auth.refreshLog).toEqual([])
  })
}

test('a tab that declines keeps version 1 serving the session; the next start is still prompted', async ({
  context,
}) => {
  const page = await context.newPage()
  await openApp(page)
  expect((await logIn(page)).status).toBe(200)

  pwa.worker.variant = 'version 2'
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((registration) => registration?.update()))
  await expect(page.locator('#update-prompt')).toBeVisible()
  await page.getByRole('button', { name: 'Later' }).click()
  await expect(page.locator('#update-prompt')).toBeHidden()

  // A reload does not activate a waiting worker while its tab is open: the app asks again.
  await openApp(page)
  await expect(page.locator('#update-prompt')).toBeVisible()
  expect(await page.evaluate(() => window.tokenProxy!.status())).toMatchObject({ authenticated: true })
  expect((await pageFetch(page, '/api/still-version-1')).status).toBe(200)
  expect(pwa.api.records.map(({ authorized }) => authorized)).toEqual([true])
  expect(pwa.auth.refreshLog).toEqual([])
})
