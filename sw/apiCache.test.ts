import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { ApiCacheStrategy } from './glossary.js'
import { proxyOverFakes } from './testProxy.js'

// The per-login API cache (Policy 15) over a CacheStorage fake: what each strategy answers.
const ORIGIN = 'https://app.example'

/** CacheStorage as far as the proxy uses it, in memory, keyed by URL. */
function fakeCaches() {
  const stores = new Map<string, Map<string, Response>>()
  const open = (name: string) => {
    let store = stores.get(name)
    if (!store) stores.set(name, (store = new Map<string, Response>()))
    return store
  }
  const caches = {
    keys: () => Promise.resolve([...stores.keys()]),
    delete: (name: string) => Promise.resolve(stores.delete(name)),
    open: (name: string) =>
      Promise.resolve({
        put: (request: Request, response: Response) => (open(name).set(request.url, response), Promise.resolve()),
      }),
    match: (request: Request, { cacheName }: { cacheName: string }) =>
      Promise.resolve(stores.get(cacheName)?.get(request.url)?.clone()),
  } as unknown as CacheStorage
  return { caches, stores }
}

function setUp(cache: ApiCacheStrategy) {
  let answer = 1
  let online = true
  const sent: Array<string | null> = []
  const { caches, stores } = fakeCaches()
  const { handle } = proxyOverFakes(
    {
      api: [{ prefix: '/api/', cache }],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
    },
    {
      origin: ORIGIN,
      caches,
      fetch: (input) => {
        const request = input as Request
        if (request.url.endsWith('/auth/login'))
          return Promise.resolve(Response.json({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 300 }))
        if (!online) return Promise.reject(new TypeError('Failed to fetch'))
        sent.push(request.headers.get('Authorization'))
        return Promise.resolve(Response.json({ answer: answer++ }))
      },
    },
  )
  const pending: Array<Promise<unknown>> = []
  const get = async () => {
    const response = await handle(new Request(`${ORIGIN}/api/data`, { mode: 'cors' }), (p) => void pending.push(p))
    await Promise.all(pending.splice(0))
    return (await response.json()) as { answer: number }
  }
  const logIn = () => handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', mode: 'cors' }))
  return { get, logIn, stores, sent, goOffline: () => (online = false) }
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
})
