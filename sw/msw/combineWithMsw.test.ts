import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { proxyOverFakes } from '../testProxy.js'
import { combineWithMsw, PLACEHOLDER_PREFIX, type FetchListener } from './combineWithMsw.js'

/**
 * The one fetch listener of `installTokenProxyWithMsw`, over the proxy on fakes and a fake of
 * msw's listener that behaves as `mockServiceWorker.js` does: with no page mocking it does not
 * answer; otherwise it hands the request to the page's handler, and answers with its mock or
 * passes the request through with the global `fetch`.
 */

const ORIGIN = 'https://app.example'
const ACCESS = 'access-token-value-1'
const RENEWED = 'access-token-value-2'
const REFRESH = 'refresh-token-value'

type Handler = (request: Request) => Response | 'passthrough'

function setUp(handler: Handler) {
  const sent: Array<{ method: string; path: string; authorization: string | null; body: string }> = []
  const state = { mocking: true, expired: false }
  const network: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    const { pathname } = new URL(request.url)
    sent.push({
      method: request.method,
      path: pathname,
      authorization: request.headers.get('Authorization'),
      body: await request.clone().text(),
    })
    if (pathname === '/auth/login')
      return Response.json({ token_type: 'Bearer', access_token: ACCESS, refresh_token: REFRESH, expires_in: 3600 })
    if (pathname === '/auth/refresh')
      return Response.json({ token_type: 'Bearer', access_token: RENEWED, refresh_token: REFRESH, expires_in: 3600 })
    if (state.expired && request.headers.get('Authorization') === `Bearer ${ACCESS}`)
      return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
    return Response.json({ from: 'server', path: pathname })
  }
  const { proxy } = proxyOverFakes(
    { api: ['/api/'], tokenEndpoints: ['/auth/login'], refresh: { url: '/auth/refresh' } },
    { origin: ORIGIN, fetch: (input, init) => combined.fetch(input, init) },
  )
  /** What msw handed to the page: the requests its handlers saw, as the page would. */
  const pageSaw: Array<{ url: string; authorization: string | null }> = []
  const mswSawEvents: FetchEvent[] = []
  const msw: FetchListener = (event) => {
    mswSawEvents.push(event)
    if (!state.mocking) return
    event.respondWith(
      (async () => {
        const requestClone = event.request.clone()
        pageSaw.push({ url: event.request.url, authorization: event.request.headers.get('Authorization') })
        const verdict = handler(event.request)
        if (verdict !== 'passthrough') return verdict
        // msw's passthrough(): the global fetch, with the request's headers as a new Headers.
        return globalFetch(requestClone, { headers: new Headers(requestClone.headers) })
      })(),
    )
  }
  const combined = combineWithMsw(proxy, msw, network)
  const globalFetch = combined.fetch

  /** Dispatches `request` to the combined listener as a FetchEvent; what the page gets back. */
  async function dispatch(request: Request): Promise<Response | undefined> {
    let answer: Promise<Response> | undefined
    const pending: Array<Promise<unknown>> = []
    const event = {
      request,
      clientId: 'tab-1',
      resultingClientId: '',
      respondWith: (response: Response | Promise<Response>) => void (answer = Promise.resolve(response)),
      waitUntil: (promise: Promise<unknown>) => void pending.push(promise),
    } as unknown as FetchEvent
    combined.onFetch(event)
    const response = await answer
    await Promise.all(pending)
    return response
  }
  async function logIn() {
    state.mocking = false
    await dispatch(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
    state.mocking = true
  }
  const apiSent = () => sent.filter(({ path }) => path.startsWith('/api/'))
  const placeholders = () => sent.filter(({ authorization }) => authorization?.includes('sw-token-proxy'))
  return { dispatch, logIn, sent, apiSent, placeholders, pageSaw, mswSawEvents, state }
}

describe('installTokenProxyWithMsw’s fetch listener', () => {
  it('answers a mocked API request with the mock: the handler sees a placeholder, never the token', async () => {
    const t = setUp((request) => Response.json({ mocked: true, auth: request.headers.get('Authorization') }))
    await t.logIn()

    const response = await t.dispatch(new Request(`${ORIGIN}/api/orders`))

    expect(await response?.json()).toMatchObject({ mocked: true })
    expect(t.pageSaw).toHaveLength(1)
    expect(t.pageSaw[0]!.authorization).toMatch(/^Bearer sw-token-proxy\.[\w-]+$/)
    expect(JSON.stringify(t.pageSaw)).not.toContain(ACCESS)
    expect(t.apiSent()).toEqual([])
  })

  it('sends a passed-through API request through the proxy with the real token, body and all', async () => {
    const t = setUp(() => 'passthrough')
    await t.logIn()

    const response = await t.dispatch(new Request(`${ORIGIN}/api/orders`, { method: 'POST', body: 'order=1' }))

    expect(await response?.json()).toEqual({ from: 'server', path: '/api/orders' })
    expect(t.apiSent()).toEqual([
      { method: 'POST', path: '/api/orders', authorization: `Bearer ${ACCESS}`, body: 'order=1' },
    ])
    expect(t.placeholders()).toEqual([])
    expect(t.pageSaw[0]!.authorization?.startsWith(PLACEHOLDER_PREFIX)).toBe(true)
  })

  it('renews once on a 401 of a passed-through request and replays it with the new token', async () => {
    const t = setUp(() => 'passthrough')
    await t.logIn()
    t.state.expired = true

    const response = await t.dispatch(new Request(`${ORIGIN}/api/me`))

    expect(response?.status).toBe(200)
    expect(t.sent.filter(({ path }) => path === '/auth/refresh')).toHaveLength(1)
    expect(t.apiSent().map(({ authorization }) => authorization)).toEqual([`Bearer ${ACCESS}`, `Bearer ${RENEWED}`])
    expect(t.placeholders()).toEqual([])
  })

  it('hands a request the proxy does not own to msw unchanged, and its passthrough goes out untouched', async () => {
    const t = setUp(() => 'passthrough')
    await t.logIn()
    const own = new Request(`${ORIGIN}/api/own`, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } })
    const other = new Request('https://elsewhere.example/data')

    await t.dispatch(own)
    await t.dispatch(other)

    expect(t.mswSawEvents.map((event) => event.request).slice(-2)).toEqual([own, other])
    expect(t.sent.slice(-2).map(({ path, authorization }) => [path, authorization])).toEqual([
      ['/api/own', 'Basic dXNlcjpwYXNz'],
      ['/data', null],
    ])
  })

  it('leaves a request the proxy does not own to the browser when msw does not answer it', async () => {
    const t = setUp(() => 'passthrough')
    t.state.mocking = false

    expect(await t.dispatch(new Request('https://elsewhere.example/data'))).toBeUndefined()
    expect(t.sent).toEqual([])
  })

  it('with no page mocking, answers an API request as the proxy does without msw', async () => {
    const t = setUp(() => Response.json({ mocked: true }))
    await t.logIn()
    t.state.mocking = false

    const response = await t.dispatch(new Request(`${ORIGIN}/api/me`))

    expect(await response?.json()).toEqual({ from: 'server', path: '/api/me' })
    expect(t.apiSent().map(({ authorization }) => authorization)).toEqual([`Bearer ${ACCESS}`])
    expect(t.pageSaw).toEqual([])
  })

  it('never shows msw the token endpoints', async () => {
    const t = setUp(() => Response.json({ mocked: true }))
    await t.logIn()
    await t.dispatch(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

    expect(t.mswSawEvents).toEqual([])
    expect(t.sent.filter(({ path }) => path === '/auth/login')).toHaveLength(2)
  })

  it('gives no token to a request that carries a placeholder this worker did not hand out', async () => {
    const t = setUp(() => 'passthrough')
    await t.logIn()

    // The page's own header: not the proxy's (it carries an Authorization), so msw gets it as is.
    await t.dispatch(new Request(`${ORIGIN}/api/me`, { headers: { Authorization: `${PLACEHOLDER_PREFIX}forged` } }))

    expect(t.apiSent()).toEqual([{ method: 'GET', path: '/api/me', authorization: null, body: '' }])
  })
})
