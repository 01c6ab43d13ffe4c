import type { Page } from '@playwright/test'

/**
 * Stops every service worker of the browser now, as Chromium does to an idle worker, through the
 * DevTools protocol (`ServiceWorker.stopAllWorkers`). The next request starts the worker again,
 * which then reads the session back from IndexedDB.
 *
 * **Chromium only**: the DevTools protocol is Chromium's, and neither Firefox nor WebKit offers a
 * protocol command that stops a service worker. Firefox stops a worker once it has been idle for
 * `dom.serviceWorkers.idle_timeout` (a pref you can set at launch), WebKit once no page of its site
 * is open; `e2e-engines/worker-restart.test.ts` in this repository shows both.
 */
export async function stopServiceWorker(page: Page): Promise<void> {
  const session = await page.context().newCDPSession(page)
  try {
    await session.send('ServiceWorker.enable')
    await session.send('ServiceWorker.stopAllWorkers')
  } finally {
    await session.detach()
  }
}

/**
 * Shift-reload: reloads the page bypassing the cache and the service worker, which leaves it
 * uncontrolled until `registerTokenProxy()` asks the worker to claim it (DevTools protocol,
 * `Page.reload({ ignoreCache: true })`).
 *
 * **Chromium only**: the DevTools protocol is Chromium's. In Firefox, `location.reload(true)` (its
 * non-standard forceGet flag) makes the same load; WebKit has no way to do it from a test.
 */
export async function hardReload(page: Page): Promise<void> {
  const session = await page.context().newCDPSession(page)
  try {
    await session.send('Page.reload', { ignoreCache: true })
  } finally {
    await session.detach()
  }
  await page.waitForLoadState('load')
}
