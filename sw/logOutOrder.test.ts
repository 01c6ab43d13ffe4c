import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { BroadcastType } from '../protocol/messages.js'
import { logOutAndSettle } from './testLogOut.js'
import { TokenStore } from './tokenStore.js'
import { proxyOverFakes } from './testProxy.js'

// Logout is durable: by the time a tab hears SESSION_ENDED the session is gone from the store, so
// a tab that reacts to the event by calling the API (a "you are logged out" page fetching what an
// anonymous user may see) never gets the old token on that call.

const ORIGIN = 'https://app.example'

/** What a tab saw when it heard SESSION_ENDED: the stored session, and its own API call. */
interface SeenOnSessionEnded {
  stored: boolean
  apiAuthorization: string | null
}

function setUp() {
  const databaseName = `logout-order-${crypto.randomUUID()}`
  const sent: Array<{ path: string; authorization: string | null }> = []
  const seenOnSessionEnded: SeenOnSessionEnded[] = []
  const broadcasts: BroadcastType[] = []
  const { proxy, handle } = proxyOverFakes(
    { api: ['/api/'], tokenEndpoints: ['/auth/login'], refresh: { url: '/auth/refresh' }, logout: '/auth/logout' },
    {
      origin: ORIGIN,
      fetch: (input, init) => {
        const request = new Request(input, init)
        const { pathname } = new URL(request.url)
        sent.push({ path: pathname, authorization: request.headers.get('Authorization') })
        if (pathname === '/auth/login')
          return Promise.resolve(
            Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600 }),
          )
        if (pathname === '/auth/logout') return Promise.resolve(new Response(null, { status: 204 }))
        return Promise.resolve(Response.json({ ok: true }))
      },
      store: new TokenStore(databaseName),
      // A tab: on SESSION_ENDED it looks at the store and calls the API at once.
      broadcast: async (type): Promise<void> => {
        broadcasts.push(type)
        if (type !== 'SESSION_ENDED') return
        const stored = (await new TokenStore(databaseName).reload()).tokens !== null
        await handle(new Request(`${ORIGIN}/api/public`))
        const apiCall = sent.findLast(({ path }) => path === '/api/public')
        seenOnSessionEnded.push({ stored, apiAuthorization: apiCall?.authorization ?? null })
      },
    },
  )
  return { proxy, handle, sent, seenOnSessionEnded, broadcasts }
}

describe('logout clears the session before it tells the tabs', () => {
  it('does not let a tab that calls the API on SESSION_ENDED get the old token (intercepted logout request)', async () => {
    const { handle, seenOnSessionEnded, broadcasts } = setUp()
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

    expect((await handle(new Request(`${ORIGIN}/auth/logout`, { method: 'POST' }))).status).toBe(204)

    expect(broadcasts).toEqual(['SESSION_STARTED', 'SESSION_ENDED'])
    expect(seenOnSessionEnded).toEqual([{ stored: false, apiAuthorization: null }])
  })

  it('does not let a tab that calls the API on SESSION_ENDED get the old token (proxy.logout())', async () => {
    const { proxy, handle, sent, seenOnSessionEnded } = setUp()
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

    await logOutAndSettle(proxy)

    expect(seenOnSessionEnded).toEqual([{ stored: false, apiAuthorization: null }])
    // The logout request itself still carries the ended session's token, once.
    expect(sent.filter(({ path }) => path === '/auth/logout')).toEqual([
      { path: '/auth/logout', authorization: 'Bearer at-1' },
    ])
  })
})
