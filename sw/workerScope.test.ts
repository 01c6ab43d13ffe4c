import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MESSAGE_SOURCE } from '../protocol/messages.js'
import { Route, Router } from 'workbox-routing'
import type { TokenProxyOptions } from './glossary.js'
import { createTestLocks } from './testLocks.js'
import { addTokenProxyRoutes } from './addTokenProxyRoutes.js'
import { installTokenProxy } from './installTokenProxy.js'

// Workbox reads `self` as its modules load: a bare scope until each test brings its own. The
// modules are imported here, not inside the tests, so their top-level code runs once, as in a worker.
vi.hoisted(() => {
  ;(globalThis as { self?: unknown }).self ??= {}
})

/**
 * The worker entry points over a fake service worker scope (`self`): what the browser sees of
 * `installTokenProxy` and `addTokenProxyRoutes` — the events they answer, what the pages and
 * windows are told, what goes to the network, and how invalid options fail the install.
 */

const ORIGIN = 'https://app.example'
const OPTIONS: TokenProxyOptions = {
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh' },
}

type Listener = (event: unknown) => void

/** A service worker global scope: its listeners, windows, network and console, all recorded. */
function fakeScope({ locks = true }: { locks?: boolean } = {}) {
  const listeners = new Map<string, Listener[]>()
  const windowMessages: unknown[] = []
  const matchAllQueries: unknown[] = []
  const network: string[] = []
  const lockNames: string[] = []
  const testLocks = createTestLocks()
  const lifecycle: string[] = []
  const scope = {
    addEventListener: (type: string, listener: Listener) =>
      listeners.set(type, [...(listeners.get(type) ?? []), listener]),
    navigator: locks
      ? {
          locks: {
            request: (name: string, callback: () => Promise<unknown>) => (
              lockNames.push(name),
              testLocks.request(name, callback)
            ),
          },
        }
      : {},
    location: { origin: ORIGIN, href: `${ORIGIN}/sw.js` },
    registration: { scope: `${ORIGIN}/` },
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      const { pathname } = new URL(request.url)
      network.push(`${request.method} ${pathname} ${request.headers.get('Authorization')}`)
      if (pathname === '/auth/login')
        return Promise.resolve(
          Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600 }),
        )
      if (pathname === '/auth/refresh')
        return Promise.resolve(Response.json({ access_token: 'at-2', token_type: 'Bearer', expires_in: 3600 }))
      if (request.headers.get('Authorization') === 'Bearer at-1')
        return Promise.resolve(
          new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }),
        )
      return Promise.resolve(new Response('api'))
    },
    clients: {
      matchAll: (query: unknown) => (
        matchAllQueries.push(query),
        Promise.resolve([{ postMessage: (message: unknown) => windowMessages.push(message) }])
      ),
      claim: () => (lifecycle.push('claim'), Promise.resolve()),
    },
    skipWaiting: () => (lifecycle.push('skipWaiting'), Promise.resolve()),
  }
  vi.stubGlobal('self', scope)
  vi.stubGlobal('location', scope.location)
  vi.stubGlobal('navigator', scope.navigator)

  const kept: Array<Promise<unknown>> = []
  const waitUntil = (promise: Promise<unknown>) => void kept.push(promise)
  const dispatch = (type: string, event: object) => {
    for (const listener of listeners.get(type) ?? []) listener(event)
  }
  /** A fetch event: the response the worker gave, or `undefined` when it left it to the browser. */
  const fetchEvent = async (request: Request): Promise<Response | undefined> => {
    let responded: Promise<Response> | undefined
    dispatch('fetch', { request, respondWith: (response: Promise<Response>) => (responded = response), waitUntil })
    return responded
  }
  /** A page's message on its own channel: the replies posted to its port. */
  const message = async (data: unknown, withPort = true) => {
    const replies: unknown[] = []
    const ports = withPort ? [{ postMessage: (reply: unknown) => replies.push(reply) }] : []
    dispatch('message', { data, ports, waitUntil })
    await settle()
    return replies
  }
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0))
    await Promise.allSettled(kept)
  }
  const install = async (extra: object = {}) => {
    const waited: Array<Promise<unknown>> = []
    dispatch('install', { waitUntil: (promise: Promise<unknown>) => void waited.push(promise), ...extra })
    return Promise.allSettled(waited)
  }
  return {
    listeners,
    windowMessages,
    matchAllQueries,
    network,
    lockNames,
    lifecycle,
    dispatch,
    fetchEvent,
    message,
    install,
    settle,
  }
}

const request = (type: string, payload: unknown = {}) => ({ source: MESSAGE_SOURCE, type, payload })
const logIn = () => new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' })

afterEach(async () => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  // The worker's own database (the default name) is shared by every test here.
  await new Promise((resolve) => {
    const deletion = indexedDB.deleteDatabase('sw-token-proxy')
    deletion.onsuccess = deletion.onerror = deletion.onblocked = resolve
  })
})

function installed(options: TokenProxyOptions = OPTIONS, scopeOptions?: { locks?: boolean }) {
  const scope = fakeScope(scopeOptions)
  const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
  installTokenProxy(options)
  return { ...scope, warnings, errors }
}

describe('installTokenProxy', () => {
  it('answers the token endpoint and the API through fetch events, and leaves the rest to the browser', async () => {
    const scope = installed()

    expect((await scope.fetchEvent(logIn()))?.status).toBe(200)
    const api = await scope.fetchEvent(new Request(`${ORIGIN}/api/me`))
    expect(await api?.text()).toBe('api')
    expect(await scope.fetchEvent(new Request(`${ORIGIN}/page`))).toBeUndefined()

    expect(scope.network).toEqual([
      'POST /auth/login null',
      'GET /api/me Bearer at-1',
      'POST /auth/refresh null',
      'GET /api/me Bearer at-2',
    ])
    // Renewing took the login's Web Lock.
    expect(scope.lockNames).toHaveLength(1)
    expect(scope.lockNames[0]).toMatch(/^sw-token-proxy:refresh:/)
  })

  it('tells every window, controlled or not, that the session started', async () => {
    const scope = installed()

    await scope.fetchEvent(logIn())
    await scope.settle()

    expect(scope.matchAllQueries).toEqual([{ type: 'window', includeUncontrolled: true }])
    expect(scope.windowMessages).toEqual([
      { source: MESSAGE_SOURCE, type: 'SESSION_STARTED', payload: expect.any(Object) as unknown },
    ])
  })

  it('answers a page’s requests on their port, with the session read at the worker’s clock', async () => {
    const scope = installed()
    await scope.fetchEvent(logIn())
    const before = Date.now()

    const [status] = (await scope.message(request('STATUS'))) as Array<{
      ok: boolean
      payload: { authenticated: boolean; expiresAt: number }
    }>

    expect(status?.ok).toBe(true)
    expect(status?.payload.authenticated).toBe(true)
    expect(status?.payload.expiresAt).toBeGreaterThan(before + 3_500_000)
    expect(status?.payload.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000)
  })

  it('claims the pages when a page asks, and on activation', async () => {
    const scope = installed()

    expect(await scope.message(request('CLAIM'))).toEqual([{ ok: true, payload: { claimed: true } }])
    scope.dispatch('activate', { waitUntil: () => undefined })

    expect(scope.lifecycle).toEqual(['claim', 'claim'])
  })

  it('ignores messages that are not a page request, or that bring no port to answer on', async () => {
    const scope = installed()

    expect(await scope.message({ source: 'someone-else', type: 'STATUS', payload: {} })).toEqual([])
    expect(await scope.message(request('CLAIM'), false)).toEqual([])
    expect(scope.lifecycle).toEqual([])
  })

  it('takes over at install, declaring the static routes where the browser has them', async () => {
    const scope = installed()
    const declared: unknown[] = []

    await scope.install({ addRoutes: (rules: unknown) => (declared.push(rules), Promise.resolve()) })

    expect(scope.lifecycle).toEqual(['skipWaiting'])
    expect(declared).toHaveLength(1)
    expect(declared[0]).toEqual([
      { condition: { or: [{ requestMode: 'navigate' }, { requestMode: 'no-cors' }] }, source: 'network' },
      { condition: { not: { or: expect.any(Array) as unknown } }, source: 'network' },
    ])
    expect(scope.warnings).not.toHaveBeenCalled()
  })

  it('installs without the Static Routing API, and says why when the browser refuses the rules', async () => {
    const scope = installed()
    expect(await scope.install()).toEqual([])

    const results = await scope.install({ addRoutes: () => Promise.reject(new Error('bad rule')) })

    expect(results).toEqual([{ status: 'fulfilled', value: undefined }])
    expect(scope.warnings).toHaveBeenCalledTimes(1)
    expect(String(scope.warnings.mock.calls[0]?.[0])).toContain('(bad rule)')
  })

  it('says "refused" when the browser refuses the rules without an error', async () => {
    const scope = installed()

    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a browser may
    await scope.install({ addRoutes: () => Promise.reject('no') })

    expect(String(scope.warnings.mock.calls[0]?.[0])).toContain('(refused)')
  })

  it('warns once, in its own words, where Web Locks are missing', async () => {
    const scope = installed(OPTIONS, { locks: false })

    expect(scope.warnings.mock.calls).toEqual([
      ['[sw-token-proxy] Web Locks are not available: a refresh is single-flight in this worker only.'],
    ])
    // Still refreshes, in this worker alone.
    await scope.fetchEvent(logIn())
    await scope.fetchEvent(new Request(`${ORIGIN}/api/me`))
    expect(scope.network.at(-1)).toBe('GET /api/me Bearer at-2')
  })
})

describe('installTokenProxy with invalid options', () => {
  const INVALID = { api: [], refresh: { url: '/auth/refresh' } } as unknown as TokenProxyOptions

  it('fails the install, tells every window why, and says so in the console', async () => {
    const scope = installed(INVALID)

    const [result] = await scope.install()

    expect(result?.status).toBe('rejected')
    expect(scope.matchAllQueries).toEqual([{ type: 'window', includeUncontrolled: true }])
    expect(scope.windowMessages).toEqual([
      {
        source: MESSAGE_SOURCE,
        type: 'WORKER_ERROR',
        payload: { error: expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }) as unknown },
      },
    ])
    expect(scope.errors).toHaveBeenCalledTimes(1)
    expect(scope.lifecycle).toEqual(['skipWaiting'])
  })

  it('answers every page request with the error, and handles no request', async () => {
    const scope = installed(INVALID)

    expect(await scope.message(request('STATUS'))).toEqual([
      { ok: false, error: expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }) as unknown },
    ])
    expect(await scope.message({ type: 'STATUS' })).toEqual([])
    expect(await scope.message(request('STATUS'), false)).toEqual([])
    expect(await scope.fetchEvent(new Request(`${ORIGIN}/api/me`))).toBeUndefined()
    expect(scope.network).toEqual([])
  })
})

describe('addTokenProxyRoutes', () => {
  function added(options: TokenProxyOptions = OPTIONS, withRouter = true) {
    const scope = fakeScope()
    const router = new Router()
    addTokenProxyRoutes(options, withRouter ? { router } : {})
    return { ...scope, router }
  }

  it('registers a route for each method Workbox routes, each handing the request its token', async () => {
    const { router, network, fetchEvent } = added()
    const event = { waitUntil: () => undefined } as unknown as FetchEvent
    await router.handleRequest({ request: logIn(), event })

    expect([...router.routes.keys()].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'])
    // Workbox answers the methods it routes: the proxy's own fetch listener leaves them alone.
    expect(await fetchEvent(new Request(`${ORIGIN}/api/me`))).toBeUndefined()
    const handled = router.handleRequest({ request: new Request(`${ORIGIN}/api/me`, { method: 'DELETE' }), event })
    expect(await (await handled)?.text()).toBe('api')
    expect(network).toEqual([
      'POST /auth/login null',
      'DELETE /api/me Bearer at-1',
      'POST /auth/refresh null',
      'DELETE /api/me Bearer at-2',
    ])
  })

  it('gives the methods Workbox does not route the same decision, through its own fetch listener', async () => {
    const { router, network, fetchEvent } = added()
    const login = router.handleRequest({
      request: logIn(),
      event: { waitUntil: () => undefined } as unknown as FetchEvent,
    })
    await login

    const options = await fetchEvent(new Request(`${ORIGIN}/api/me`, { method: 'OPTIONS' }))
    expect(options?.status).toBe(200)
    expect(await fetchEvent(new Request(`${ORIGIN}/page`, { method: 'OPTIONS' }))).toBeUndefined()
    expect(network.at(-1)).toBe('OPTIONS /api/me Bearer at-2')
  })

  it('without a router, registers on Workbox’s default router, which answers fetch events', async () => {
    const { fetchEvent, network } = added(OPTIONS, false)

    expect((await fetchEvent(logIn()))?.status).toBe(200)
    expect(network).toEqual(['POST /auth/login null'])
  })

  it('explain(): a request an app route registered before the proxy’s takes goes without the token, and says so', async () => {
    const scope = fakeScope()
    const router = new Router()
    // The app's own route for GET /api/, before the proxy's (the mistake the setup check names).
    router.registerRoute(
      new Route(
        ({ url }) => url.pathname.startsWith('/api/'),
        () => Promise.resolve(new Response('app')),
      ),
    )
    addTokenProxyRoutes({ ...OPTIONS, logout: '/auth/logout', debug: true }, { router })
    const explain = async (url: string, method = 'GET') =>
      (await scope.message(request('EXPLAIN', { url, method, mode: 'cors', authorization: false })))[0]

    expect(await explain(`${ORIGIN}/api/me`)).toEqual({
      ok: true,
      payload: {
        url: '/api/me',
        method: 'GET',
        mode: 'cors',
        role: 'api',
        api: '/api/',
        takenBy: 'app-route',
        attachesToken: false,
      },
    })
    expect(await explain(`${ORIGIN}/api/me`, 'POST')).toMatchObject({
      payload: { role: 'api', attachesToken: true, token: { for: 'session' } },
    })
    expect(await explain(`${ORIGIN}/auth/logout`, 'POST')).toMatchObject({
      payload: { role: 'logout', attachesToken: true },
    })
    expect(JSON.stringify(await explain(`${ORIGIN}/auth/logout`, 'POST'))).not.toContain('takenBy')
    // Asking the router records no decision: the proxy's route claims the made-up request undecided.
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(scope.windowMessages).toEqual([])
  })

  it('registers nothing for invalid options', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const { router, fetchEvent } = added({ api: [] } as unknown as TokenProxyOptions)

    expect(router.routes.size).toBe(0)
    expect(await fetchEvent(new Request(`${ORIGIN}/api/me`, { method: 'OPTIONS' }))).toBeUndefined()
  })
})
