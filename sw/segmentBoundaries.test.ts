import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { proxyOverFakes } from './testProxy.js'

// Policy 1, case 2: the token goes to `/api` and below it, on a segment boundary, and to no
// look-alike. In Chromium the static routes send look-alikes to the network before the worker
// sees them; in the other browsers (and in Chromium if the routes were refused) the worker's own
// matching, `roleOf`, is all that decides. This is that matching, over the demo's options.

const ORIGIN = 'http://localhost:5173'

/** The URL table of `e2e/segment-boundaries.spec.ts`, and whether each may get the token. */
const URLS: Array<[path: string, getsToken: boolean]> = [
  ['/api', true],
  ['/api/x', true],
  ['/api/', true],
  ['/api/x?next=/elsewhere', true],
  ['/apix', false],
  ['/api-evil/x', false],
  ['/API/x', false],
  ['/%61pi/x', false],
  ['/static?next=/api/', false],
  ['/static#/api/', false],
  ['/x/api/', false],
]

function setUp() {
  const sent: Array<{ path: string; authorization: string | null }> = []
  const network: typeof fetch = (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    sent.push({ path: `${url.pathname}${url.search}`, authorization: request.headers.get('Authorization') })
    return Promise.resolve(
      url.pathname === '/auth/login'
        ? Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600 })
        : new Response(null, { status: 404 }),
    )
  }
  // demo/worker/sw.ts
  const { proxy } = proxyOverFakes(
    {
      api: ['/api/'],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
      logout: '/auth/logout',
      refreshAheadSeconds: 30,
    },
    {
      origin: ORIGIN,
      fetch: network,
    },
  )
  /** The worker's fetch listener without static routes: what `roleOf` claims it handles, the rest goes out as it came. */
  const fetchThroughWorker = (path: string, init?: RequestInit) => {
    const request = new Request(new URL(path, ORIGIN), init)
    const route = proxy.route(request)
    return route ? proxy.handle(request, route, () => undefined) : network(request)
  }
  return { proxy, fetchThroughWorker, sent }
}

describe("the worker's own matching, without static routes", () => {
  it('claims as API requests only the prefix itself and the paths below it', () => {
    const { proxy } = setUp()
    const roles = URLS.map(([path]) => {
      const url = new URL(path, ORIGIN)
      return [path, proxy.roleOf(new Request(url), url) ?? 'not ours']
    })

    expect(roles).toEqual(URLS.map(([path, getsToken]) => [path, getsToken ? 'api' : 'not ours']))
  })

  it('does not send the token to /apix, /api-evil/x, /API/x, /%61pi/x or /static?next=/api/, and sends it to /api and /api/x', async () => {
    const { fetchThroughWorker, sent } = setUp()
    await fetchThroughWorker('/auth/login', { method: 'POST', body: '{}' })
    sent.length = 0

    for (const [path] of URLS) await fetchThroughWorker(path)

    const pathOf = (path: string) => {
      const url = new URL(path, ORIGIN)
      return `${url.pathname}${url.search}`
    }
    expect(sent).toEqual(
      URLS.map(([path, getsToken]) => ({ path: pathOf(path), authorization: getsToken ? 'Bearer at-1' : null })),
    )
  })
})
