import type { Page } from '@playwright/test'
import { test as base, waitForTokenProxy } from '../../playwright/index.ts'
import type { AuthServerOptions } from '../../demo/server/AuthServer.ts'
import { startDemoServer, type RunningDemoServer } from '../../demo/server/createDemoServer.ts'
import { demoBuildDir } from '../../demo/server/demoBuildDir.ts'
import { ThirdPartyServer } from './ThirdPartyServer.ts'

interface Fixtures {
  /** How this test's auth server behaves (lifetimes, rotation). */
  authOptions: Partial<AuthServerOptions>
  /** The app origin, `http://localhost:PORT`, fresh for each test: fresh worker, fresh IndexedDB. */
  app: RunningDemoServer
  /** Another site, `http://127.0.0.1:PORT`. */
  thirdParty: ThirdPartyServer
  /** Opens one more tab of the app in the same browser context, ready to use. */
  openTab: () => Promise<Page>
}

export const test = base.extend<Fixtures>({
  authOptions: [{}, { option: true }],

  app: async ({ authOptions }, use) => {
    const server = await startDemoServer({ staticDir: demoBuildDir, auth: authOptions })
    await use(server)
    await server.close()
  },

  thirdParty: async ({}, use) => {
    const server = await new ThirdPartyServer().start()
    await use(server)
    await server.close()
  },

  openTab: async ({ context, app }, use) => {
    await use(async () => {
      const tab = await context.newPage()
      await tab.goto(`${app.origin}/minimal.html`)
      await waitForTokenProxy(tab)
      return tab
    })
  },

  page: async ({ page, app }, use) => {
    await page.goto(`${app.origin}/minimal.html`)
    await waitForTokenProxy(page)
    await use(page)
  },
})

export { expect } from '../../playwright/index.ts'
