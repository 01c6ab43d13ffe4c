import 'fake-indexeddb/auto'
import { URLPattern } from 'urlpattern-polyfill/urlpattern'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExplainedMode } from '../protocol/decisions.js'
import { routedExplanation } from './diagnosis.js'
import type { TokenProxyOptions } from './glossary.js'
import { proxyOverFakes } from './testProxy.js'

/**
 * `explain()`: what the worker would do with a request, answered by the same matching step as
 * `route` (so the two cannot disagree), with the token's state from the stored session and what
 * the declared static routes do with it. Never a token.
 */

const ORIGIN = 'https://app.example'
const T0 = 1_700_000_000_000
const ACCESS = 'at-explained-secret'
const REFRESH = 'rt-explained-secret'

const OPTIONS: TokenProxyOptions = {
  api: ['/api/', { prefix: 'https://billing.example/v1/', resource: 'https://billing.example/' }],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh' },
  logout: '/auth/logout',
}

/** What a test asks `explain()` about, beyond the URL. */
interface Asked {
  method?: string
  mode?: ExplainedMode
  authorization?: boolean
}

function worker() {
  const clock = { now: T0 }
  const fakes = proxyOverFakes(OPTIONS, {
    origin: ORIGIN,
    now: () => clock.now,
    fetch: () => Promise.resolve(Response.json({ access_token: ACCESS, refresh_token: REFRESH, expires_in: 300 })),
  })
  const logIn = () =>
    fakes.proxy.handle(
      new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }),
      { role: 'token-endpoint' },
      () => undefined,
    )
  const explain = (url: string, asked: Asked = {}) =>
    fakes.proxy.explain({
      url: new URL(url, ORIGIN).href,
      method: asked.method ?? 'GET',
      mode: asked.mode ?? 'cors',
      authorization: asked.authorization ?? false,
    })
  return { ...fakes, clock, logIn, explain }
}

describe('explain()', () => {
  // The Static Routing rules are evaluated with URLPattern, as in Chromium; Node 20 has none.
  beforeEach(() => void Object.assign(globalThis, { URLPattern }))
  afterEach(() => void Reflect.deleteProperty(globalThis, 'URLPattern'))

  it('an API request: its entry, that it gets the session token, held with its seconds left', async () => {
    const { explain, logIn, clock } = worker()
    expect(await explain('/api/x?q=1')).toEqual({
      url: '/api/x?q=1',
      method: 'GET',
      mode: 'cors',
      role: 'api',
      api: '/api/',
      attachesToken: true,
      token: { for: 'session', held: false, secondsLeft: null },
      staticRoute: 'fetch-event',
    })
    await logIn()
    clock.now = T0 + 100_000
    expect((await explain('/api/x')).token).toEqual({ for: 'session', held: true, secondsLeft: 200 })
    // An API's own token is minted on its first request: none is held yet.
    expect(await explain('https://billing.example/v1/invoices', { method: 'POST' })).toMatchObject({
      url: 'https://billing.example/v1/invoices',
      method: 'POST',
      role: 'api',
      api: 'https://billing.example/v1/',
      token: { for: 'resource=https%3A%2F%2Fbilling.example%2F', held: false, secondsLeft: null },
    })
  })

  it('a URL on no prefix: the nearest one and why not, and the static route takes it to the network', async () => {
    const { explain } = worker()
    expect(await explain('/apix')).toEqual({
      url: '/apix',
      method: 'GET',
      mode: 'cors',
      role: 'passed',
      why: 'not-on-a-prefix',
      nearest: { api: '/api/', why: 'segment-boundary' },
      attachesToken: false,
      staticRoute: 'network',
    })
    expect(await explain('/v1/api/x')).toMatchObject({ nearest: { api: '/api/', why: 'outside-path' } })
    expect(await explain('https://other.example/api/x')).toMatchObject({
      url: 'https://other.example/api/x',
      role: 'passed',
      nearest: { why: 'other-origin' },
      attachesToken: false,
    })
  })

  it('a request on a prefix that still passes: navigations, no-cors, its own Authorization', async () => {
    const { explain } = worker()
    expect(await explain('/api/x', { mode: 'navigate' })).toMatchObject({
      role: 'passed',
      why: 'navigation',
      api: '/api/',
      attachesToken: false,
      staticRoute: 'network',
    })
    expect(await explain('/api/x', { mode: 'no-cors' })).toMatchObject({ why: 'no-cors', staticRoute: 'network' })
    // The static rules cannot see headers: such a request still reaches the worker, which passes it.
    expect(await explain('/api/x', { authorization: true })).toMatchObject({
      why: 'own-authorization',
      attachesToken: false,
      staticRoute: 'fetch-event',
    })
  })

  it('the endpoints: the token endpoint gets none, the logout the ended session token', async () => {
    const { explain } = worker()
    expect(await explain('/auth/login', { method: 'POST' })).toMatchObject({
      role: 'token-endpoint',
      attachesToken: false,
    })
    expect(await explain('/auth/logout', { method: 'POST' })).toMatchObject({
      role: 'logout',
      attachesToken: true,
      token: { for: 'session' },
    })
  })

  it('agrees with the fetch path for every request, and never holds a token', async () => {
    const { explain, proxy, logIn } = worker()
    await logIn()
    const cases: Array<[string, RequestInit, Parameters<typeof explain>[1]]> = [
      ['/api/x', {}, {}],
      ['/api', {}, {}],
      ['/apix', {}, {}],
      ['/API/x', {}, {}],
      ['/v1/api/x', {}, {}],
      ['https://other.example/api/x', {}, {}],
      ['https://billing.example/v1/', {}, {}],
      ['https://billing.example/v2/', {}, {}],
      ['/api/x', { mode: 'no-cors' }, { mode: 'no-cors' }],
      ['/api/x', { mode: 'same-origin' }, { mode: 'same-origin' }],
      ['/api/x', { headers: { Authorization: 'Basic eA==' } }, { authorization: true }],
      ['/auth/login', { method: 'POST' }, { method: 'POST' }],
      ['/auth/logout', { method: 'POST' }, { method: 'POST' }],
    ]
    const seen: string[] = []
    for (const [url, init, asked] of cases) {
      const request = new Request(new URL(url, ORIGIN), init)
      const explanation = await explain(url, asked)
      seen.push(JSON.stringify(explanation))
      expect(explanation.role === 'passed' ? undefined : explanation.role, url).toBe(
        proxy.roleOf(request, new URL(request.url)),
      )
    }
    for (const token of [ACCESS, REFRESH]) expect(seen.join('\n')).not.toContain(token)
  })

  it('Workbox: a request an app route registered first takes goes without the token, and says so', async () => {
    const { explain, logIn, proxy } = worker()
    await logIn()
    // The router `addTokenProxyRoutes` hooks in: an app's route for GET /api/ comes before the proxy's.
    const app = { match: (url: URL) => url.pathname.startsWith('/api/') }
    const ours = { match: () => true }
    const router = {
      findMatchingRoute: ({ url, request }: { url: URL; request: Request }) => ({
        route: [...(request.method === 'GET' ? [app] : []), ours].find((route) => route.match(url)),
      }),
    }
    const before = await explain('/api/x')
    expect(before).toMatchObject({ role: 'api', attachesToken: true, token: { held: true } })
    proxy.notes.explained = routedExplanation(router, new Set([ours]), ORIGIN)

    const taken = await explain('/api/x')
    expect(taken).toEqual({
      url: '/api/x',
      method: 'GET',
      mode: 'cors',
      role: 'api',
      api: '/api/',
      takenBy: 'app-route',
      attachesToken: false,
      staticRoute: 'fetch-event',
    })
    // Its POSTs still reach the proxy's route, and a request that passes is the same as before.
    expect(await explain('/api/x', { method: 'POST' })).toEqual({ ...before, method: 'POST' })
    expect(await explain('/apix')).not.toHaveProperty('takenBy')
    for (const token of [ACCESS, REFRESH]) expect(JSON.stringify(taken)).not.toContain(token)
  })

  it('without URLPattern, says nothing of the static routes', async () => {
    Reflect.deleteProperty(globalThis, 'URLPattern')
    const { explain } = worker()
    expect(await explain('/apix')).not.toHaveProperty('staticRoute')
  })
})
