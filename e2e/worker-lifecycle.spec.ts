import { expect, test } from './support/fixtures.ts'
import { hardReload, stopServiceWorker, waitForTokenProxy } from '../playwright/index.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Cases 14, 17 and 18: the worker comes and goes; the session stays. (e2e/README.md)
test.describe('worker lifecycle', () => {
  test('after a shift-reload the page is controlled again and its next API call carries the token', async ({
    page,
    app,
  }) => {
    await logIn(page)
    await hardReload(page)
    await waitForTokenProxy(page)

    expect((await pageFetch(page, '/api/after-hard-reload')).status).toBe(200)
    expect(app.api.records).toEqual([expect.objectContaining({ path: '/api/after-hard-reload', authorized: true })])
  })

  test('a worker stopped while idle, 10 times, reads the session back and needs no refresh', async ({ page, app }) => {
    await logIn(page)
    for (let stop = 0; stop < 10; stop++) {
      await stopServiceWorker(page)
      expect((await pageFetch(page, `/api/after-stop-${stop}`)).status).toBe(200)
    }

    expect(app.api.records).toHaveLength(10)
    expect(app.api.records.every((record) => record.authorized)).toBe(true)
    expect(app.auth.refreshLog).toHaveLength(0)
  })

  test('the tab that triggered a refresh closes: the refresh completes for the others, once', async ({
    page,
    app,
    openTab,
  }) => {
    const other = await openTab()
    await logIn(page)
    app.refreshControl.hold()
    app.api.failNext({ status: 401 }, 2)
    page.evaluate(() => fetch('/api/trigger')).catch(() => undefined)
    await app.refreshControl.waitForHeld()
    // The other tab's request also gets a 401 and joins the refresh that is in flight.
    const waiting = pageFetch(other, '/api/waiting')
    await expect.poll(() => app.api.records.filter((record) => record.path === '/api/waiting').length).toBe(1)
    await page.close()
    app.refreshControl.release()

    expect((await waiting).status).toBe(200)
    expect(app.api.records.filter((record) => record.path === '/api/waiting').map((record) => record.status)).toEqual([
      401, 200,
    ])
    expect(app.auth.refreshLog).toHaveLength(1)
    expect(app.auth.counters.reuseDetections).toBe(0)
  })

  test('the request that triggered a refresh is aborted: the refresh completes for the others, once', async ({
    page,
    app,
    openTab,
  }) => {
    const other = await openTab()
    await logIn(page)
    app.refreshControl.hold()
    app.api.failNext({ status: 401 }, 2)
    await page.evaluate(() => {
      const controller = new AbortController()
      ;(window as unknown as { abortTrigger: () => void }).abortTrigger = () => controller.abort()
      fetch('/api/trigger', { signal: controller.signal }).catch(() => undefined)
    })
    await app.refreshControl.waitForHeld()
    const waiting = pageFetch(other, '/api/waiting')
    await expect.poll(() => app.api.records.filter((record) => record.path === '/api/waiting').length).toBe(1)
    await page.evaluate(() => (window as unknown as { abortTrigger: () => void }).abortTrigger())
    app.refreshControl.release()

    expect((await waiting).status).toBe(200)
    expect(app.auth.refreshLog).toHaveLength(1)
    expect((await pageFetch(page, '/api/after')).status).toBe(200)
    expect(app.auth.refreshLog).toHaveLength(1)
  })
})
