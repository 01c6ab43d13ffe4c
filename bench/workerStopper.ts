import type { CDPSession, Page } from '@playwright/test'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface WorkerStopper {
  /** Stops the service workers of the page's browser context and resolves once all are stopped. */
  stopAll(): Promise<void>
  detach(): Promise<void>
}

/**
 * Stops service workers through the DevTools protocol on a page session, and knows when they are
 * stopped: `ServiceWorker.stopAllWorkers` answers before the worker has gone, so this follows
 * `ServiceWorker.workerVersionUpdated` (sent for every known version on `enable`, then on every
 * change) until no live version is anything but `stopped`. A context without workers (the "no
 * worker" variant) resolves at once, so every variant goes through the same steps.
 */
export async function watchWorkers(page: Page, timeoutMs = 10_000): Promise<WorkerStopper> {
  const session: CDPSession = await page.context().newCDPSession(page)
  const running = new Map<string, string>()
  session.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const version of versions) {
      if (version.status === 'redundant') running.delete(version.versionId)
      else running.set(version.versionId, version.runningStatus)
    }
  })
  await session.send('ServiceWorker.enable')
  return {
    async stopAll() {
      const deadline = performance.now() + timeoutMs
      await session.send('ServiceWorker.stopAllWorkers')
      let asked = performance.now()
      while ([...running.values()].some((status) => status !== 'stopped')) {
        if (performance.now() > deadline)
          throw new Error(`service workers still ${[...running.values()].join(', ')} after ${timeoutMs} ms`)
        // A worker that was still starting (Chromium starts one when a page it controls commits)
        // misses the stop and goes on to run: ask again every 100 ms until none is left running.
        if (performance.now() - asked >= 100) {
          await session.send('ServiceWorker.stopAllWorkers')
          asked = performance.now()
        }
        await sleep(5)
      }
    },
    detach: () => session.detach(),
  }
}
