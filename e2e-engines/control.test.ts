import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { SESSION_EVENT_RECORDING, startRecordingSessionEvents } from '../playwright/sessionEvents.ts'
import { DEMO_BUILD_DIR } from './support/demoBuild.ts'
import { describeEngines } from './support/describeEngines.ts'
import { startScene } from './support/startScene.ts'
import { logIn, sessionEventTypes, tabFetch, waitForTokenProxy } from './support/tokenProxyTab.ts'

// e2e/README.md cases 17 and 31 (Policy 8, docs/behaviour.md): a page the worker does not control
// yet becomes controlled.

/**
 * The demo's minimal app, plus a classic script that runs before it and notes whether a worker
 * controlled the page when it started, and when the app declared itself ready (`data-proxy`).
 */
function watchedMinimalApp(): string {
  const watcher = `<script>
    window.__control = { atStart: navigator.serviceWorker.controller !== null, whenReady: null }
    new MutationObserver(() => {
      if (document.documentElement.dataset.proxy === 'ready' && window.__control.whenReady === null) window.__control.whenReady = navigator.serviceWorker.controller !== null
    }).observe(document.documentElement, { attributes: true })
  </script>`
  return readFileSync(`${DEMO_BUILD_DIR}/minimal.html`, 'utf8').replace('<head>', `<head>${watcher}`)
}

const plainPage = '<!doctype html><title>plain</title><p>No worker registration here.</p>'

describeEngines('an uncontrolled page', (engine) => {
  test('on a first visit the page starts uncontrolled, the app is ready only once the worker controls it, and its API calls carry the token', async () => {
    const { app, openTab } = await startScene(engine.browser())
    app.pages.set('/first-visit.html', watchedMinimalApp())
    const tab = await openTab(`${app.origin}/first-visit.html`)
    await waitForTokenProxy(tab)
    await expect
      .poll(() => tab.evaluate(() => (window as unknown as { __control: unknown }).__control))
      .toEqual({ atStart: false, whenReady: true })

    await logIn(tab)
    expect((await tabFetch(tab, '/api/first-visit')).status).toBe(200)
    expect(app.api.records).toEqual([
      expect.objectContaining({ path: '/api/first-visit', authScheme: 'Bearer', authorized: true }),
    ])
  })

  test('after a shift-reload the page is controlled again, and its next API call carries the token', async (context) => {
    const { app, openApp } = await startScene(engine.browser())
    app.pages.set('/hard-reload.html', watchedMinimalApp())
    const tab = await openApp('/hard-reload.html')
    if (!tab.hardReload) {
      context.skip(
        `no shift-reload a test can drive in ${engine.backend.engine} (${engine.backend.via}): ${engine.backend.noHardReload ?? 'unknown'}. The first-visit test covers a page that starts uncontrolled`,
      )
    }
    await logIn(tab)
    await tab.evaluate(() => void ((window as unknown as { __beforeReload: boolean }).__beforeReload = true))
    await tab.hardReload!()
    await waitForTokenProxy(tab)
    // A new document, loaded as a reload: the marker set before is gone.
    expect(
      await tab.evaluate(() => ({
        marker: '__beforeReload' in window,
        navigation: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.type,
      })),
    ).toEqual({ marker: false, navigation: 'reload' })
    // Chromium and Firefox load it past the worker, so it starts uncontrolled and registerTokenProxy()
    // claims it before the app is ready; WebKitGTK serves the reload through the worker, so the page
    // is controlled from its first script on.
    const keepsControl = engine.backend.hardReloadKeepsControl !== undefined
    await expect
      .poll(() => tab.evaluate(() => (window as unknown as { __control: unknown }).__control))
      .toEqual({ atStart: keepsControl, whenReady: true })
    expect(await tab.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)

    expect((await tabFetch(tab, '/api/after-hard-reload')).status).toBe(200)
    expect(app.api.records).toEqual([
      expect.objectContaining({ path: '/api/after-hard-reload', authScheme: 'Bearer', authorized: true }),
    ])
  })

  test('a tab a shift-reload left uncontrolled still hears the session end', async (context) => {
    const { app, openApp, openTab } = await startScene(engine.browser())
    const tab = await openApp()
    if (!tab.hardReload) {
      context.skip(
        `no shift-reload a test can drive in ${engine.backend.engine} (${engine.backend.via}): ${engine.backend.noHardReload ?? 'unknown'}`,
      )
    }
    if (engine.backend.hardReloadKeepsControl !== undefined) {
      context.skip(
        `no uncontrolled page of the scope to be had in ${engine.backend.engine}: ${engine.backend.hardReloadKeepsControl}. The shift-reload test checks that such a reload keeps the page controlled, and the session-events tests that every controlled tab hears the session end`,
      )
    }
    await logIn(tab)

    // After the app's own claim (which takes every page of the scope), a page without the app:
    // the worker controls it on a plain load, so only a reload that bypassed the worker leaves it
    // without one, and nothing claims it again.
    app.pages.set('/plain.html', plainPage)
    const plain = await openTab(`${app.origin}/plain.html`)
    expect(await plain.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
    await plain.hardReload!()
    expect(await plain.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(false)

    // Policy 8: session messages reach a tab the worker does not control.
    await plain.evaluate(startRecordingSessionEvents, SESSION_EVENT_RECORDING)
    expect((await tabFetch(tab, '/auth/logout', { method: 'POST' })).status).toBe(204)
    await expect.poll(() => sessionEventTypes(plain)).toEqual(['session-ended'])
    expect(await plain.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(false)
    // The app's tab recorded from before the login.
    await expect.poll(() => sessionEventTypes(tab)).toEqual(['session-started', 'session-ended'])
  })
})
