import { expect, test } from './support/fixtures.ts'
import { stopServiceWorker } from '../playwright/index.ts'
import { logIn, sleep } from './support/tabs.ts'

// Load: a bounded soak. Short lifetimes, 3 tabs calling the API continuously, the worker
// stopped at random moments. A stop that lands mid-refresh loses that refresh's answer, which a
// strict-rotation server would then call reuse (see the strict case in worker-interrupted.spec),
// so the soak runs against a server with a grace window, as most providers offer.
const soakSeconds = Number(process.env['SOAK_SECONDS'] ?? 150)

test.describe('soak', () => {
  test.use({ authOptions: { accessTtlSeconds: 3, rotation: 'grace', graceSeconds: 30, refreshTtlSeconds: 3600 } })

  test(`${soakSeconds} s, 3 tabs, worker stopped at random: zero reuse detections, zero 401s seen by pages`, async ({
    page,
    app,
    openTab,
  }) => {
    test.setTimeout((soakSeconds + 60) * 1000)
    const tabs = [page, await openTab(), await openTab()]
    await logIn(page)

    await Promise.all(
      tabs.map((tab) =>
        tab.evaluate(() => {
          const state = window as unknown as { soak: { statuses: Record<string, number>; running: boolean } }
          state.soak = { statuses: {}, running: true }
          const methods = ['GET', 'POST', 'PUT', 'DELETE']
          void (async () => {
            for (let i = 0; state.soak.running; i++) {
              const method = methods[i % methods.length]!
              const outcome = await fetch(`/api/soak/${i}`, {
                method,
                body: method === 'GET' ? undefined : `request ${i}`,
              }).then(
                (response) => String(response.status),
                () => 'network error',
              )
              state.soak.statuses[outcome] = (state.soak.statuses[outcome] ?? 0) + 1
              await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200))
            }
          })()
        }),
      ),
    )

    // A seeded generator, so a failing run can be replayed with the same stop pattern.
    let seed = Number(process.env['SOAK_SEED'] ?? Date.now() % 100_000)
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647
    test.info().annotations.push({ type: 'soak seed', description: String(seed) })
    let stops = 0
    const deadline = Date.now() + soakSeconds * 1000
    while (Date.now() < deadline) {
      await sleep(500 + random() * 3000)
      await stopServiceWorker(page)
      stops += 1
    }

    const totals: Record<string, number> = {}
    for (const tab of tabs) {
      const statuses = await tab.evaluate(() => {
        const state = window as unknown as { soak: { statuses: Record<string, number>; running: boolean } }
        state.soak.running = false
        return state.soak.statuses
      })
      for (const [status, count] of Object.entries(statuses)) totals[status] = (totals[status] ?? 0) + count
    }
    test.info().annotations.push({
      type: 'soak totals',
      description: JSON.stringify({ stops, refreshes: app.auth.counters.refreshes, ...totals }),
    })

    expect(app.auth.counters.reuseDetections).toBe(0)
    expect(totals['401'] ?? 0).toBe(0)
    expect(totals['200']).toBeGreaterThan(soakSeconds * 3)
    // Every access token expired many times over: the session was renewed all along.
    expect(app.auth.counters.refreshes).toBeGreaterThanOrEqual(Math.floor(soakSeconds / 3))
    expect(app.auth.refreshLog.filter((entry) => entry.outcome === 'revoked' || entry.outcome === 'reused')).toEqual([])
  })
})
