import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { ApiCacheStrategy } from '../glossary.js'
import { proxyOverFakes } from '../testProxy.js'
import { apiCache } from './apiCache.js'
import { fakeCaches } from './testCaches.js'

// The per-login API cache (Policy 15) over a CacheStorage fake: what each strategy answers.
const ORIGIN = 'https://app.example'

function setUp(cache: ApiCacheStrategy) {
  let answer = 1
  let online = true
  let status = 200
  let held: Promise<void> | undefined
  const sent: Array<string | null> = []
  const { caches, stores } = fakeCaches()
  const { handle, proxy } = proxyOverFakes(
    {
      api: [{ prefix: '/api/', cache }],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
      logout: '/auth/logout',
      apiCache: apiCache(),
    },
    {
      origin: ORIGIN,
      caches,
      fetch: (input) => {
        const request = input as Request
        if (request.url.endsWith('/auth/login'))
          return Promise.resolve(Response.json({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 300 }))
        if (request.url.endsWith('/auth/logout')) return Promise.resolve(new Response(null, { status: 204 }))
        if (!online) return Promise.reject(new TypeError('Failed to fetch'))
        sent.push(request.headers.get('Authorization'))
        const body = { answer: answer++ }
        return (held ?? Promise.resolve()).then(() =>
          Response.json(body, {
            status,
            headers: status === 401 ? { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' } : {},
          }),
        )
      },
    },
  )
  const pending: Array<Promise<unknown>> = []
  const get = async (method = 'GET') => {
    const response = await handle(
      new Request(`${ORIGIN}/api/data`, { method, mode: 'cors' }),
      (p) => void pending.push(p),
    )
    await Promise.all(pending.splice(0))
    return (await response.json()) as { answer: number }
  }
  const logIn = () => handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', mode: 'cors' }))
  let release = () => {}
  const hold = () => (held = new Promise<void>((resolve) => (release = resolve)))
  return {
    get,
    logIn,
    stores,
    sent,
    caches,
    proxy,
    hold,
    release: () => release(),
    answerWith: (next: number) => (status = next),
    goOffline: () => (online = false),
  }
}

describe('the per-login API cache', () => {
  it('network first: the network’s answer while online, the last 200 when no answer comes', async () => {
    const { get, logIn, goOffline, sent } = setUp('network-first')
    await logIn()
    expect(await get()).toEqual({ answer: 1 })
    expect(await get()).toEqual({ answer: 2 })
    goOffline()
    expect(await get()).toEqual({ answer: 2 })
    expect(sent).toEqual(['Bearer at-1', 'Bearer at-1'])
  })

  it('stale while revalidate: the kept copy at once, refreshed behind it', async () => {
    const { get, logIn, sent } = setUp('stale-while-revalidate')
    await logIn()
    expect(await get()).toEqual({ answer: 1 })
    expect(await get()).toEqual({ answer: 1 })
    expect(await get()).toEqual({ answer: 2 })
    expect(sent).toHaveLength(3)
  })

  it('keeps one cache per login, named by its id, and nothing without a session', async () => {
    const { get, logIn, stores } = setUp('network-first')
    await get()
    expect([...stores.keys()]).toEqual([])
    await logIn()
    await get()
    const [name, ...others] = [...stores.keys()]
    expect(others).toEqual([])
    expect(name).toMatch(/^sw-token-proxy:api:/)
    expect(name).not.toContain('at-1')
  })

  it('a new login deletes the caches before it is announced', async () => {
    const { get, logIn, stores } = setUp('network-first')
    await logIn()
    await get()
    expect(stores.size).toBe(1)
    await logIn()
    expect(stores.size).toBe(0)
  })

  it('keeps no 401 and no POST answer, and serves neither offline', async () => {
    const { get, logIn, stores, answerWith, goOffline } = setUp('network-first')
    await logIn()
    answerWith(401)
    await get()
    answerWith(200)
    await get('POST')
    expect([...stores.values()].map((store) => store.size)).toEqual([])
    goOffline()
    await expect(get()).rejects.toThrow('Failed to fetch')
  })

  it('stale while revalidate without a kept copy answers from the network', async () => {
    const { get, logIn } = setUp('stale-while-revalidate')
    await logIn()
    expect(await get()).toEqual({ answer: 1 })
  })

  it('a session end deletes only the API caches, never the app’s own (its precache)', async () => {
    const { get, logIn, stores, caches, proxy } = setUp('network-first')
    await caches.open('workbox-precache-v2')
    stores.get('workbox-precache-v2')!.set(`${ORIGIN}/index.html`, new Response('shell'))
    await logIn()
    await get()
    expect(stores.size).toBe(2)
    await proxy.logout()
    expect([...stores.keys()]).toEqual(['workbox-precache-v2'])
  })

  it('an answer whose login ended while it was out is not kept', async () => {
    const { get, logIn, stores, proxy, hold, release } = setUp('network-first')
    await logIn()
    void hold()
    const answered = get()
    await new Promise((resolve) => setTimeout(resolve, 10))
    await proxy.logout()
    release()
    await answered
    expect([...stores.values()].filter((store) => store.size > 0)).toEqual([])
  })
})

describe('an api entry with a cache, in a worker without the plug-in', () => {
  const cached = {
    api: ['/api/', { prefix: '/api/orders/', cache: 'network-first' as const }],
    refresh: { url: '/auth/refresh' },
  }

  it('fails the install, naming the entry and the import', () => {
    expect(() =>
      proxyOverFakes(cached, { origin: ORIGIN, fetch: () => Promise.reject(new TypeError('offline')) }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTIONS',
        message:
          '[sw-token-proxy] Failed to install the token proxy: "api[1].cache" needs the per-login API cache: pass apiCache: apiCache() from "sw-token-proxy/sw/cache" to installTokenProxy() (or addTokenProxyRoutes()). Fix the options passed to installTokenProxy().',
      }) as Error,
    )
  })

  it('refuses an apiCache option that apiCache() did not make', () => {
    const options = { ...cached, apiCache: { kind: 'api-cache' } } as unknown as Parameters<typeof proxyOverFakes>[0]
    expect(() =>
      proxyOverFakes(options, { origin: ORIGIN, fetch: () => Promise.reject(new TypeError('offline')) }),
    ).toThrow(/"apiCache" must be made with apiCache\(\) from sw-token-proxy\/sw\/cache/)
  })
})
