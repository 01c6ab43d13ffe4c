import { expect, test } from 'vitest'
import { ThirdPartyServer } from '../e2e/support/ThirdPartyServer.ts'
import { describeEngines } from './support/describeEngines.ts'
import { startScene } from './support/startScene.ts'
import { logIn, tabFetch } from './support/tokenProxyTab.ts'

// e2e/README.md cases 1, 3, 4, 5 and 31: where the token goes, and where it never goes.
describeEngines('where the token goes', (engine) => {
  test('the login response reaches the page without its tokens, and the worker keeps them', async () => {
    const { app, openApp } = await startScene(engine.browser())
    const tab = await openApp()

    const { status, body } = await logIn(tab)

    expect(status).toBe(200)
    // Compared by field names and by search, so a failing assertion never prints a token.
    expect(Object.keys(JSON.parse(body) as object).sort()).toEqual(['expires_in', 'token_type', 'user'])
    expect(app.auth.issuedTokens.some((token) => body.includes(token))).toBe(false)
    expect(app.auth.counters.logins).toBe(1)
    expect((await tabFetch(tab, '/api/me')).status).toBe(200)
    expect(app.api.records).toEqual([
      expect.objectContaining({ path: '/api/me', authScheme: 'Bearer', authorized: true, authorizationCount: 1 }),
    ])
  })

  test('API requests carry the bearer token; another site, another port, no-cors requests and navigations never do', async () => {
    const { app, thirdParty, openApp } = await startScene(engine.browser())
    const sameHost = await new ThirdPartyServer().start('127.0.0.1', 'localhost')
    try {
      const tab = await openApp()
      await logIn(tab)
      for (const method of ['GET', 'POST']) {
        expect((await tabFetch(tab, '/api/data', { method })).status).toBe(200)
        expect((await tabFetch(tab, `${thirdParty.origin}/api/data`, { method })).status).toBe(200)
        expect((await tabFetch(tab, `${sameHost.origin}/api/data`, { method })).status).toBe(200)
      }
      await tabFetch(tab, '/api/no-cors', { mode: 'no-cors' })
      await tab.goto(`${app.origin}/api/typed-url`)

      expect(app.api.records.map(({ method, path, authScheme }) => `${method} ${path} ${authScheme}`)).toEqual([
        'GET /api/data Bearer',
        'POST /api/data Bearer',
        'GET /api/no-cors null',
        'GET /api/typed-url null',
      ])
      expect(app.api.records.slice(0, 2).every((record) => record.authorized && record.authorizationCount === 1)).toBe(
        true,
      )
      // CORS preflights come and go with the browser's cache; count the real requests.
      for (const server of [thirdParty, sameHost]) {
        expect(
          server.records.filter((record) => record.path === '/api/data' && record.method !== 'OPTIONS'),
        ).toHaveLength(2)
        expect(server.records.filter((record) => record.authorization)).toEqual([])
      }
    } finally {
      await sameHost.close()
    }
  })

  test('a cross-site form post into the API reaches it without a token and changes nothing', async () => {
    const { app, thirdParty, openApp, openTab } = await startScene(engine.browser())
    const tab = await openApp()
    await logIn(tab)
    const attack = thirdParty.page(
      '/attack.html',
      `<form id="f" method="POST" action="${app.origin}/api/transfer"><input name="amount" value="1000"></form>`,
    )

    const attacker = await openTab(attack)
    await attacker.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit())
    await expect.poll(() => app.api.records.filter((record) => record.path === '/api/transfer')).toHaveLength(1)

    const [forged] = app.api.records
    expect(forged).toMatchObject({
      method: 'POST',
      path: '/api/transfer',
      authScheme: null,
      secFetchSite: 'cross-site',
      secFetchMode: 'navigate',
      status: 401,
    })
    expect(app.api.sideEffects).toBe(0)
  })
})
