import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { answerRequest } from './answerRequest.js'
import { isProbe, routedExplanation, shadowedPrefixes, takenByAppRoute } from './diagnosis.js'
import { openIdConnect } from './oidc/openIdConnect.js'
import { parseUrlPrefix } from './requestMatching.js'
import { discoveryDocument, pendingSignInsInMemory } from './testOidcProvider.js'
import { proxyOverFakes } from './testProxy.js'
import type { TokenProxyExplanation } from '../protocol/decisions.js'
import { MESSAGE_SOURCE } from '../protocol/messages.js'

/** The worker's half of the setup check (`proxy.diagnose()`): what it notes, and what it answers. */

const ORIGIN = 'https://app.example'
const API = 'https://api.example.com'
const OPTIONS = {
  api: ['/api/', `${API}/v1/`],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh' },
}

/**
 * An API answer as a cross-origin fetch gives it: `type: 'cors'`, only the headers CORS exposes
 * (`exposed`), and the URL it came from. Node's `Response` is always `'default'`, so it is faked.
 */
function corsAnswer(status: number, url: string, exposed: Record<string, string> = {}): Response {
  const response = new Response('{}', { status, headers: exposed })
  Object.defineProperties(response, { type: { value: 'cors' }, url: { value: url } })
  return response
}

/** A proxy signed in, whose fetch answers API requests with `answer` (and renewals with a new token). */
async function signedIn(answer: (url: string) => Response) {
  let issued = 0
  const fake = proxyOverFakes(OPTIONS, {
    origin: ORIGIN,
    fetch: (input) => {
      const url = input instanceof Request ? input.url : String(input)
      if (url.endsWith('/auth/login') || url.endsWith('/auth/refresh'))
        return Promise.resolve(Response.json({ access_token: `at-${++issued}`, refresh_token: `rt-${issued}` }))
      return Promise.resolve(answer(url))
    },
  })
  await fake.handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  return fake
}

describe('proxy.diagnose()', () => {
  it('answers the api prefixes, and nothing else, while all is well', async () => {
    const { proxy, handle } = await signedIn((url) => corsAnswer(200, url))
    expect((await handle(new Request(`${API}/v1/me`))).status).toBe(200)
    expect(await proxy.diagnose()).toEqual({ api: [`${ORIGIN}/api/`, `${API}/v1/`], unexposed: [] })
  })

  it('notes the origin of an API whose 401 carried no WWW-Authenticate the worker could read', async () => {
    const { proxy, handle } = await signedIn((url) => corsAnswer(401, url))
    expect((await handle(new Request(`${API}/v1/me`))).status).toBe(401)
    expect((await proxy.diagnose()).unexposed).toEqual([API])
  })

  it('notes nothing for an exposed challenge, a same-origin 401 or another status', async () => {
    const answers = [
      (url: string) => corsAnswer(401, url, { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' }),
      () => new Response('{}', { status: 401 }),
      (url: string) => corsAnswer(403, url),
    ]
    for (const answer of answers) {
      const { proxy, handle } = await signedIn(answer)
      await handle(new Request(`${API}/v1/me`))
      await handle(new Request(`${ORIGIN}/api/me`))
      expect((await proxy.diagnose()).unexposed).toEqual([])
    }
  })

  it('answers what the worker entry noted: refused static routes, a shadowing Workbox route', async () => {
    const { proxy } = proxyOverFakes(OPTIONS, { origin: ORIGIN, fetch })
    proxy.notes.staticRoutesRefused = 'Too many rules'
    proxy.notes.shadowed = () => [{ prefix: `${ORIGIN}/api/`, methods: ['GET'] }]
    expect(await proxy.diagnose()).toEqual({
      api: [`${ORIGIN}/api/`, `${API}/v1/`],
      staticRoutesRefused: 'Too many rules',
      shadowed: [{ prefix: `${ORIGIN}/api/`, methods: ['GET'] }],
      unexposed: [],
    })
  })

  it('answers DIAGNOSE from the page with it', async () => {
    const { proxy } = proxyOverFakes(OPTIONS, { origin: ORIGIN, fetch })
    const reply = await answerRequest(proxy, { source: MESSAGE_SOURCE, type: 'DIAGNOSE', payload: {} }, () =>
      Promise.resolve(),
    )
    // Structured clone keeps what the page reads; absent facts are `undefined`.
    expect(reply).toEqual({ ok: true, payload: { api: [`${ORIGIN}/api/`, `${API}/v1/`], unexposed: [] } })
    expect(structuredClone(reply)).toEqual(reply)
  })
})

describe('checkIssuer (OpenID Connect)', () => {
  const ISSUER = 'https://id.example'

  function plugin(discovery: () => Promise<Response>) {
    return openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }).create({
      origin: ORIGIN,
      fetch: () => discovery(),
      now: Date.now,
      resources: [],
      pendingSignIns: pendingSignInsInMemory().pendingSignIns,
    })
  }

  it('finds nothing when the discovery document names this issuer', async () => {
    expect(await plugin(() => Promise.resolve(discoveryDocument(ISSUER))).checkIssuer?.()).toBeUndefined()
  })

  it('names the issuer the document names instead', async () => {
    expect(await plugin(() => Promise.resolve(discoveryDocument(`${ISSUER}/realms/app`))).checkIssuer?.()).toEqual({
      issuer: `${ISSUER}/`,
      named: `${ISSUER}/realms/app`,
    })
  })

  it('says why the document could not be had: no answer, or another status', async () => {
    expect(await plugin(() => Promise.reject(new TypeError('Failed to fetch'))).checkIssuer?.()).toEqual({
      issuer: `${ISSUER}/`,
      detail: 'Failed to fetch',
    })
    const notFound = await plugin(() => Promise.resolve(new Response('', { status: 404 }))).checkIssuer?.()
    expect(notFound?.detail).toContain('unexpected HTTP status code')
  })

  it('reaches the core: diagnose() answers it', async () => {
    const { proxy } = proxyOverFakes(
      {
        ...OPTIONS,
        refresh: undefined,
        oidc: openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }),
      },
      { origin: ORIGIN, fetch: () => Promise.reject(new TypeError('Failed to fetch')) },
    )
    expect((await proxy.diagnose()).issuer).toEqual({ issuer: `${ISSUER}/`, detail: 'Failed to fetch' })
  })
})

/**
 * A Workbox `Router` as the setup check sees it: per method, the first registered route whose
 * match callback says yes; `asked` lists the requests it was asked about.
 */
function router() {
  const routes: { method: string; match: (url: URL, event: Event) => boolean }[] = []
  const asked: string[] = []
  return {
    asked,
    register(method: string, match: (url: URL, event: Event) => boolean) {
      const route = { method, match }
      routes.push(route)
      return route
    },
    findMatchingRoute: ({ url, request, event }: { url: URL; request: Request; event: ExtendableEvent }) => (
      asked.push(`${request.method} ${url.href}`),
      { route: routes.find((route) => route.method === request.method && route.match(url, event)) }
    ),
  }
}

describe('shadowedPrefixes (Workbox)', () => {
  const api = [parseUrlPrefix('/api/', ORIGIN), parseUrlPrefix(`${API}/v1/`, ORIGIN)]
  const METHODS = ['GET', 'POST']

  const proxyRoutes = (on: ReturnType<typeof router>) =>
    new Set(
      METHODS.map((method) => on.register(method, (url) => url.pathname.startsWith('/api/') || url.origin === API)),
    )

  it('names the prefixes and methods an app route registered first takes', () => {
    const on = router()
    on.register('GET', (url) => url.pathname.startsWith('/api/'))
    const ours = proxyRoutes(on)
    expect(shadowedPrefixes(on, ours, METHODS, api, ORIGIN)).toEqual([{ prefix: `${ORIGIN}/api/`, methods: ['GET'] }])
  })

  it('names nothing when the proxy’s routes come first, or no route takes the API', () => {
    const on = router()
    on.register('GET', (url) => url.pathname.endsWith('.png'))
    const ours = proxyRoutes(on)
    on.register('GET', (url) => url.pathname.startsWith('/api/'))
    expect(shadowedPrefixes(on, ours, METHODS, api, ORIGIN)).toEqual([])
  })

  it('hands the match callbacks a sample request below each prefix, and whether it is same-origin', () => {
    const seen: string[] = []
    const finder = {
      findMatchingRoute: ({ url, sameOrigin, request }: { url: URL; sameOrigin: boolean; request: Request }) => (
        seen.push(`${request.method} ${url.href} ${sameOrigin}`),
        {}
      ),
    }
    expect(shadowedPrefixes(finder, new Set(), ['GET'], api, ORIGIN)).toEqual([])
    expect(seen).toEqual([`GET ${ORIGIN}/api/sw-token-proxy-check true`, `GET ${API}/v1/sw-token-proxy-check false`])
  })
})

describe('takenByAppRoute (Workbox, one request)', () => {
  const onApi = (url: URL) => url.pathname.startsWith('/api/')

  it('answers for that method and URL: taken only by an app route registered before the proxy’s', () => {
    const on = router()
    on.register('GET', onApi)
    const ours = new Set([on.register('GET', onApi), on.register('POST', onApi)])
    expect(takenByAppRoute(on, ours, 'GET', new URL(`${ORIGIN}/api/me`), ORIGIN)).toBe(true)
    expect(takenByAppRoute(on, ours, 'POST', new URL(`${ORIGIN}/api/me`), ORIGIN)).toBe(false)
    // No route at all takes it: not the app's either.
    expect(takenByAppRoute(on, ours, 'GET', new URL(`${ORIGIN}/page`), ORIGIN)).toBe(false)
  })

  it('marks its made-up event, so the proxy’s route can claim it without deciding', () => {
    const on = router()
    const seen: boolean[] = []
    const ours = new Set([on.register('GET', (_url, event) => (seen.push(isProbe(event)), true))])
    expect(takenByAppRoute(on, ours, 'GET', new URL(`${ORIGIN}/api/me`), ORIGIN)).toBe(false)
    expect(seen).toEqual([true])
    expect(isProbe(new Event('fetch'))).toBe(false)
  })
})

describe('routedExplanation (Workbox explain())', () => {
  const onApi = (url: URL) => url.pathname.startsWith('/api/')
  const apiRequest: TokenProxyExplanation = {
    url: '/api/me',
    method: 'GET',
    mode: 'cors',
    role: 'api',
    api: '/api/',
    attachesToken: true,
    token: { for: 'session', held: true, secondsLeft: 60 },
  }
  /** A router where an app route for `GET /api/` comes `first` or after the proxy's; what it was asked. */
  function routed(first: boolean) {
    const on = router()
    if (first) on.register('GET', onApi)
    const ours = on.register('GET', () => true)
    if (!first) on.register('GET', onApi)
    return { explained: routedExplanation(on, new Set([ours]), ORIGIN), asked: on.asked }
  }

  it('a request the proxy would send with the token, taken by an app route first: taken, without it', () => {
    const { explained, asked } = routed(true)
    expect(explained(apiRequest, new URL(`${ORIGIN}/api/me`))).toEqual({
      url: '/api/me',
      method: 'GET',
      mode: 'cors',
      role: 'api',
      api: '/api/',
      takenBy: 'app-route',
      attachesToken: false,
    })
    expect(asked).toEqual([`GET ${ORIGIN}/api/me`])
  })

  it('unchanged when the proxy’s route gets it, for another method, or for a request that passes', () => {
    expect(routed(false).explained(apiRequest, new URL(`${ORIGIN}/api/me`))).toBe(apiRequest)
    const post = { ...apiRequest, method: 'POST' }
    expect(routed(true).explained(post, new URL(`${ORIGIN}/api/me`))).toBe(post)
    // A request the proxy passes goes out as the page made it either way: the router is not asked.
    const { token: _none, ...untokened } = apiRequest
    const passed: TokenProxyExplanation = { ...untokened, role: 'passed', why: 'no-cors', attachesToken: false }
    const { explained, asked } = routed(true)
    expect(explained(passed, new URL(`${ORIGIN}/api/me`))).toBe(passed)
    expect(asked).toEqual([])
  })
})
