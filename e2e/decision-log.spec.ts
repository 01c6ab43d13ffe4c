import type { ConsoleMessage, Page } from '@playwright/test'
import type { TokenProxyDecision, TokenProxyExplanation } from '../client/index.ts'
import { expireAccessToken } from '../playwright/index.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Case 45: the decision log and explain() (e2e/README.md). `/minimal.html?debug` registers with
// `debug: true`: every decision of the worker reaches the page, printed in its console.

interface DebugWindow {
  tokenProxy: {
    on(event: 'decision', listener: (decision: TokenProxyDecision) => void): () => void
    explain(url: string, init?: RequestInit): Promise<TokenProxyExplanation>
  }
  decisions: TokenProxyDecision[]
}

/** A tab of the app with the decision log on; its console lines and decisions are collected. */
async function openDebugTab(page: Page, origin: string, consoleLines: string[]): Promise<Page> {
  page.on('console', (message: ConsoleMessage) => consoleLines.push(message.text()))
  await page.goto(`${origin}/minimal.html?debug`)
  await expect(page.locator('html')).toHaveAttribute('data-proxy', 'ready')
  await page.evaluate(() => {
    const debug = window as unknown as DebugWindow
    debug.decisions = []
    debug.tokenProxy.on('decision', (decision) => debug.decisions.push(decision))
  })
  // A round trip after the page asked to follow the log: the worker has its request by now.
  await page.evaluate(() => (window as unknown as DebugWindow).tokenProxy.explain('/api/ready'))
  return page
}

const decisionsOf = (page: Page) => page.evaluate(() => (window as unknown as DebugWindow).decisions)

test.describe('the decision log', () => {
  test.use({ authOptions: { rotation: 'strict' } })

  test('three tabs at expiry: one renewal started, the other requests joined it, one refresh, and no token anywhere', async ({
    context,
    app,
  }) => {
    const consoleLines: string[] = []
    const tabs = [
      await openDebugTab(await context.newPage(), app.origin, consoleLines),
      await openDebugTab(await context.newPage(), app.origin, consoleLines),
      await openDebugTab(await context.newPage(), app.origin, consoleLines),
    ]
    await logIn(tabs[0]!)
    await expireAccessToken(tabs[0]!)

    // The refresh is held at the server until every tab's request has met the renewal under way.
    app.refreshControl.hold()
    const answers = Promise.all(tabs.map((tab, t) => pageFetch(tab, `/api/expired-${t}`)))
    await app.refreshControl.waitForHeld(1)
    const joined = async (tab: Page) =>
      (await decisionsOf(tab)).filter((decision) => decision.type === 'renewal' && decision.phase === 'joined').length
    await expect.poll(() => joined(tabs[2]!)).toBe(2)
    app.refreshControl.release()
    expect((await answers).map((answer) => answer.status)).toEqual([200, 200, 200])

    expect(app.auth.refreshLog).toHaveLength(1)
    expect(app.api.records.filter((record) => record.path.startsWith('/api/expired-'))).toHaveLength(3)
    // Every tab follows the log, so each saw the same renewal: started once, joined twice, renewed once for 3.
    for (const tab of tabs) {
      await expect
        .poll(async () => (await decisionsOf(tab)).filter((decision) => decision.type === 'renewed').length)
        .toBe(1)
      const decisions = await decisionsOf(tab)
      const renewals = decisions.filter((decision) => decision.type === 'renewal')
      expect(renewals.map((decision) => decision.phase).sort()).toEqual(['joined', 'joined', 'started'])
      expect(decisions.find((decision) => decision.type === 'renewed')).toMatchObject({
        token: 'session',
        outcome: 'renewed',
        requests: 3,
      })
      const sent = decisions.filter((decision) => decision.type === 'token' && decision.url.startsWith('/api/expired-'))
      expect(sent.map((decision) => decision.type === 'token' && decision.api)).toEqual(['/api/', '/api/', '/api/'])
    }
    // One readable line per decision, in the library's voice.
    expect(consoleLines).toContain('[sw-token-proxy] renewal of the session token started')
    expect(
      consoleLines.some((line) =>
        /^\[sw-token-proxy\] GET \/api\/expired-0 → the session token for \/api\/ \(\d+ s left\)$/.test(line),
      ),
    ).toBe(true)

    // No event, console line or reply holds a token the auth server issued.
    const everything = [
      JSON.stringify(await Promise.all(tabs.map(decisionsOf))),
      ...consoleLines,
      ...(await Promise.all(tabs.map((tab) => pageFetch(tab, '/api/after')))).map((answer) => answer.body),
    ].join('\n')
    expect(app.auth.issuedTokens.length).toBeGreaterThanOrEqual(4)
    for (const token of app.auth.issuedTokens) expect(everything).not.toContain(token)
  })

  test('explain() agrees with what the servers saw for a real fetch of each URL', async ({ page, app, thirdParty }) => {
    const consoleLines: string[] = []
    const tab = await openDebugTab(page, app.origin, consoleLines)
    await logIn(tab)
    const explain = (url: string) =>
      tab.evaluate((url) => (window as unknown as DebugWindow).tokenProxy.explain(url), url)

    const other = `${thirdParty.origin}/api/x`
    const explained = {
      '/api/x': await explain('/api/x'),
      '/apix': await explain('/apix'),
      '/v1/api/x': await explain('/v1/api/x'),
      [other]: await explain(other),
    }
    expect(explained['/api/x']).toMatchObject({
      role: 'api',
      api: '/api/',
      attachesToken: true,
      token: { for: 'session', held: true },
      staticRoute: 'fetch-event',
    })
    expect(explained['/apix']).toMatchObject({
      role: 'passed',
      why: 'not-on-a-prefix',
      nearest: { api: '/api/', why: 'segment-boundary' },
      attachesToken: false,
      staticRoute: 'network',
    })
    expect(explained['/v1/api/x']).toMatchObject({
      nearest: { api: '/api/', why: 'outside-path' },
      attachesToken: false,
    })
    expect(explained[other]).toMatchObject({ url: other, nearest: { why: 'other-origin' }, attachesToken: false })

    for (const url of Object.keys(explained)) await pageFetch(tab, url)
    const sawToken = (target: string) =>
      app.requestLog.filter((request) => request.target === target).map((request) => request.authScheme)
    // What explain() said, against what each server recorded of the real fetch.
    expect(sawToken('/api/x')).toEqual(['Bearer'])
    expect(sawToken('/apix')).toEqual([null])
    expect(sawToken('/v1/api/x')).toEqual([null])
    expect(
      thirdParty.records.filter((record) => record.path === '/api/x').map((record) => record.authorization),
    ).toEqual([false])
    // And what the browser's static router did, against what explain() said of it.
    const routed = await tab.evaluate(() =>
      Object.fromEntries(
        performance
          .getEntriesByType('resource')
          .map((entry) => [
            new URL(entry.name).pathname,
            (entry as PerformanceResourceTiming & { workerMatchedSourceType?: string }).workerMatchedSourceType,
          ]),
      ),
    )
    expect(routed['/apix']).toBe('network')
    expect(routed['/v1/api/x']).toBe('network')

    const everything = [JSON.stringify(explained), JSON.stringify(await decisionsOf(tab)), ...consoleLines].join('\n')
    for (const token of app.auth.issuedTokens) expect(everything).not.toContain(token)
  })
})
