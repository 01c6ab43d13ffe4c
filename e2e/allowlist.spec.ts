import { expect, test } from './support/fixtures.ts'
import { ThirdPartyServer } from './support/ThirdPartyServer.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Cases 1 and 2: the token goes to the configured API prefix and nowhere else. (e2e/README.md)
test.describe('who gets the token', () => {
  test('never sends the token to another site, nor to another port of the same host', async ({ page, thirdParty }) => {
    const samehost = await new ThirdPartyServer().start('127.0.0.1', 'localhost')
    try {
      await logIn(page)
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        expect((await pageFetch(page, `${thirdParty.origin}/api/data`, { method })).status).toBe(200)
        expect((await pageFetch(page, `${samehost.origin}/api/data`, { method })).status).toBe(200)
      }
      // CORS preflights (OPTIONS) come and go with the browser's cache; count the real requests.
      const requests = (server: ThirdPartyServer) =>
        server.records.filter((record) => record.path === '/api/data' && record.method !== 'OPTIONS')
      expect(requests(thirdParty)).toHaveLength(4)
      expect(requests(samehost)).toHaveLength(4)
      expect(thirdParty.records.filter((record) => record.authorization)).toEqual([])
      expect(samehost.records.filter((record) => record.authorization)).toEqual([])
    } finally {
      await samehost.close()
    }
  })

  test('adds the token only on the configured prefix, on a segment boundary', async ({ page, app }) => {
    await logIn(page)
    for (const path of ['/api/x', '/api', '/apix', '/api-evil/x', '/API/x', '/%61pi/x', '/static?next=/api/']) {
      await pageFetch(page, path)
    }

    const seen = app.api.records.map(({ path, authScheme }) => ({ path, authScheme }))
    // Only paths the API serves are recorded; the others (404 from static files) prove nothing.
    expect(seen).toEqual([
      { path: '/api/x', authScheme: 'Bearer' },
      { path: '/api', authScheme: 'Bearer' },
    ])
  })
})
