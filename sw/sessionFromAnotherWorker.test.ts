import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { proxyOverFakes } from './testProxy.js'
import { TokenStore } from './tokenStore.js'

// Two workers of one scope during an update: the old one completes a login after the new one
// first read the store (and found no session). The new worker's next API request carries the token.
const ORIGIN = 'https://app.example'
const OPTIONS = {
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', clientId: 'spa' },
}

function worker(databaseName: string, sent: Array<string | null>) {
  return proxyOverFakes(OPTIONS, {
    origin: ORIGIN,
    store: new TokenStore(databaseName),
    fetch: (input) => {
      const request = input as Request
      if (request.url.endsWith('/auth/login'))
        return Promise.resolve(Response.json({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 300 }))
      sent.push(request.headers.get('Authorization'))
      return Promise.resolve(new Response('ok'))
    },
  })
}

describe('a session another worker of the scope started', () => {
  it('is used by this worker’s next API request, although it first read no session', async () => {
    const databaseName = `two-workers-${crypto.randomUUID()}`
    const sent: Array<string | null> = []
    const updated = worker(databaseName, sent)
    expect((await updated.store.current()).tokens ?? null).toBeNull()

    const replaced = worker(databaseName, sent)
    await replaced.handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', mode: 'cors' }))

    await updated.handle(new Request(`${ORIGIN}/api/me`, { mode: 'cors' }))
    expect(sent).toEqual(['Bearer at-1'])
  })
})
