import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createTokenProxy } from './createTokenProxy.js'
import { noLocks } from './SessionRefresher.js'
import { staticRoutes } from './staticRoutes.js'
import { routeOf } from './testStaticRouting.js'
import { TokenStore } from './tokenStore.js'

const ORIGIN = 'https://app.example'
const MODES: RequestMode[] = ['cors', 'same-origin', 'navigate', 'no-cors']

const proxy = createTokenProxy(
  {
    api: ['/api/', 'https://api.example.com/v1/', 'http://[::1]:8080/x/', '/odd(path)+/', '/wide'],
    tokenEndpoints: ['/auth/login', 'https://id.example.com/oauth/token'],
    refresh: { url: '/auth/refresh' },
    logout: '/auth/logout',
  },
  {
    origin: ORIGIN,
    fetch,
    store: new TokenStore('static-routes-test'),
    locks: noLocks,
    broadcast: () => Promise.resolve(),
    now: Date.now,
    warn: () => undefined,
  },
)

const URLS = [
  // Owned: API prefixes (on a segment boundary), token endpoints and logout, any query.
  `${ORIGIN}/api`,
  `${ORIGIN}/api/`,
  `${ORIGIN}/api/orders/42?expand=items#top`,
  `${ORIGIN}/wide`,
  `${ORIGIN}/wide/x`,
  `${ORIGIN}/odd(path)+/thing`,
  'https://api.example.com/v1/me',
  'https://api.example.com/v1',
  'http://[::1]:8080/x/y',
  `${ORIGIN}/auth/login`,
  `${ORIGIN}/auth/login?next=/home`,
  `${ORIGIN}/auth/logout`,
  'https://id.example.com/oauth/token',
  // Not owned: look-alikes, other origins and ports, assets, pages.
  `${ORIGIN}/apix`,
  `${ORIGIN}/api-evil/x`,
  `${ORIGIN}/API/x`,
  `${ORIGIN}/%61pi/x`,
  `${ORIGIN}/static?next=/api/`,
  `${ORIGIN}/static/app.js`,
  `${ORIGIN}/`,
  `${ORIGIN}/index.html#/api/`,
  `${ORIGIN}/widen`,
  `${ORIGIN}/odd(path)/thing`,
  `${ORIGIN}/oddpath+/thing`,
  `${ORIGIN}/auth/login/extra`,
  `${ORIGIN}/auth/refresh`,
  'https://api.example.com/v2/me',
  'https://api.example.com:8443/v1/me',
  'http://api.example.com/v1/me',
  'https://evil.example/api/x',
  'http://[::1]:8081/x/y',
  'http://[::2]:8080/x/y',
  'https://id.example.com/oauth/token/x',
]

describe('staticRoutes', () => {
  const rules = staticRoutes(proxy.ownedUrls)

  it('sends to the worker exactly the requests roleOf claims, and everything else to the network', () => {
    const disagreements: string[] = []
    for (const url of URLS) {
      for (const mode of MODES) {
        const role = proxy.roleOf({ mode, headers: new Headers() } as Request, new URL(url))
        const route = routeOf(rules, url, mode)
        if ((role !== undefined) !== (route === 'fetch-event'))
          disagreements.push(`${mode} ${url}: roleOf ${role ?? 'none'}, route ${route}`)
      }
    }
    expect(disagreements).toEqual([])
    // The table covers both sides.
    expect(URLS.filter((url) => routeOf(rules, url, 'cors') === 'fetch-event')).toHaveLength(13)
  })

  it('routes navigations and no-cors requests to the network whatever their URL', () => {
    for (const mode of ['navigate', 'no-cors'] as const) expect(routeOf(rules, `${ORIGIN}/api/x`, mode)).toBe('network')
  })

  it('lets a request with its own Authorization on an owned URL reach the worker, which passes it through', () => {
    const request = { mode: 'cors', headers: new Headers({ Authorization: 'Basic x' }) } as Request
    expect(proxy.roleOf(request, new URL(`${ORIGIN}/api/x`))).toBeUndefined()
    expect(routeOf(rules, `${ORIGIN}/api/x`, 'cors')).toBe('fetch-event')
  })

  it('stays two rules however many URLs the proxy owns (browsers cap the number of rules)', () => {
    expect(rules).toHaveLength(2)
  })
})
