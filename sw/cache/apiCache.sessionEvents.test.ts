import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { TokenProxyOptions } from '../glossary.js'
import { proxyOverFakes } from '../testProxy.js'
import { apiCache } from './apiCache.js'
import { fakeCaches } from './testCaches.js'

// The per-login API cache (Policy 15) and the session's events: which of them delete the caches
// before any tab hears them, and which entries the cache serves at all.
const ORIGIN = 'https://app.example'
const T0 = 1_700_000_000_000

function setUp(options: Partial<TokenProxyOptions> = {}) {
  const clock = { now: T0 }
  let online = true
  let answer = 0
  const { caches, stores } = fakeCaches()
  /** Each event with how many API caches there were when the tabs heard it. */
  const heard: string[] = []
  const { handle, proxy } = proxyOverFakes(
    {
      api: [{ prefix: '/api/', cache: 'network-first' }, '/live/'],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
      apiCache: apiCache(),
      ...options,
    } as TokenProxyOptions,
    {
      origin: ORIGIN,
      caches,
      now: () => clock.now,
      broadcast: (type) => (heard.push(`${type} caches=${stores.size}`), Promise.resolve()),
      fetch: (input, init) => {
        const request = new Request(input, init)
        const { pathname } = new URL(request.url)
        if (pathname === '/auth/login')
          return Promise.resolve(Response.json({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 60 }))
        if (pathname === '/auth/refresh')
          return Promise.resolve(Response.json({ access_token: 'at-2', refresh_token: 'rt-2', expires_in: 60 }))
        if (!online) return Promise.reject(new TypeError('Failed to fetch'))
        return Promise.resolve(Response.json({ answer: (answer += 1) }))
      },
    },
  )
  const get = async (path = '/api/data') => {
    const pending: Array<Promise<unknown>> = []
    const response = await handle(new Request(`${ORIGIN}${path}`, { mode: 'cors' }), (p) => void pending.push(p))
    await Promise.all(pending)
    return response
  }
  const logIn = () => handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', mode: 'cors' }))
  return { proxy, get, logIn, stores, heard, clock, goOffline: () => (online = false) }
}

describe('the per-login API cache and the session events', () => {
  it('a session that expires deletes its caches before any tab hears of it', async () => {
    const { proxy, get, logIn, stores, heard, clock } = setUp({ session: { idleSeconds: 300 } })
    await logIn()
    await get()
    expect(stores.size).toBe(1)

    clock.now = T0 + 300_000
    expect((await proxy.status()).authenticated).toBe(false)
    expect(heard.at(-1)).toBe('SESSION_EXPIRED caches=0')
  })

  it('a refresh keeps the login and so its caches', async () => {
    const { get, logIn, stores, heard, clock } = setUp()
    await logIn()
    await get()
    clock.now = T0 + 55_000 // within refresh-ahead of the 60 s token
    await get()
    expect(heard).toContain('SESSION_REFRESHED caches=1')
    expect(stores.size).toBe(1)
  })

  it('an entry without a cache strategy is neither kept nor served offline', async () => {
    const { get, logIn, stores, goOffline } = setUp()
    await logIn()
    expect((await get('/live/now')).status).toBe(200)
    expect([...stores.values()].flatMap((store) => [...store.keys()])).toEqual([])
    goOffline()
    await expect(get('/live/now')).rejects.toThrow('Failed to fetch')
  })
})

describe('the per-login API cache in the options', () => {
  it('refuses a cache strategy on the first entry without apiCache(), naming it', () => {
    expect(() =>
      proxyOverFakes(
        { api: [{ prefix: '/api/', cache: 'network-first' }], refresh: { url: '/auth/refresh' } },
        { origin: ORIGIN, fetch: () => Promise.reject(new TypeError('offline')) },
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTIONS',
        message: expect.stringContaining('"api[0].cache"') as unknown,
      }) as Error,
    )
  })

  it('works without apiCache() where CacheStorage exists, keeping nothing', async () => {
    const { caches, stores } = fakeCaches()
    const { handle } = proxyOverFakes(
      { api: ['/api/'], tokenEndpoints: ['/auth/login'], refresh: { url: '/auth/refresh' } },
      { origin: ORIGIN, caches, fetch: () => Promise.resolve(Response.json({ access_token: 'at-1', expires_in: 60 })) },
    )
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', mode: 'cors' }))
    expect((await handle(new Request(`${ORIGIN}/api/data`, { mode: 'cors' }))).status).toBe(200)
    expect(stores.size).toBe(0)
  })
})
