import { onTestFinished } from 'vitest'
import type { AuthServerOptions } from '../../demo/server/AuthServer.ts'
import { startDemoServer, type RunningDemoServer } from '../../demo/server/createDemoServer.ts'
import { ThirdPartyServer } from '../../e2e/support/ThirdPartyServer.ts'
import type { Browser, Tab } from './Browser.ts'
import { DEMO_BUILD_DIR } from './demoBuild.ts'
import { waitForTokenProxy } from './tokenProxyTab.ts'

export interface Scene {
  /** The app origin, `http://localhost:PORT`, fresh for this test: fresh worker, fresh IndexedDB. */
  app: RunningDemoServer
  /** Another site, `http://127.0.0.1:PORT`, that records every request it receives. */
  thirdParty: ThirdPartyServer
  /** Opens a tab of the app (`/minimal.html`), controlled by the worker and recording session events. */
  openApp: (path?: string) => Promise<Tab>
  /** Opens a tab at any URL, as it is. */
  openTab: (url: string) => Promise<Tab>
}

export interface SceneOptions {
  auth?: Partial<AuthServerOptions>
  /** Rewrites the demo worker this test's app serves (see workerVariants.ts). */
  worker?: (thirdParty: ThirdPartyServer) => (script: string) => string
}

/**
 * Starts this test's servers on port 0 and stops them, with every tab the test opened, when the
 * test ends, whatever its outcome.
 */
export async function startScene(browser: Browser, options: SceneOptions = {}): Promise<Scene> {
  const tabs: Tab[] = []
  const app = await startDemoServer({ staticDir: DEMO_BUILD_DIR, ...(options.auth && { auth: options.auth }) })
  const thirdParty = await new ThirdPartyServer().start().catch(async (error: unknown) => {
    await app.close()
    throw error
  })
  onTestFinished(async () => {
    // Tabs first: a tab still talking to a server would hold its close() open.
    for (const tab of tabs.splice(0)) await tab.close().catch(() => undefined)
    await Promise.all([app.close(), thirdParty.close()])
  })
  if (options.worker) app.worker.transform = options.worker(thirdParty)

  const openTab = async (url: string) => {
    const tab = await browser.openTab(url)
    tabs.push(tab)
    return tab
  }
  return {
    app,
    thirdParty,
    openTab,
    openApp: async (path = '/minimal.html') => {
      const tab = await openTab(`${app.origin}${path}`)
      await waitForTokenProxy(tab)
      return tab
    },
  }
}
