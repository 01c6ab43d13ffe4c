import type { TokenProxyExplanation } from '../protocol/decisions.js'
import type { WorkerFindings } from '../protocol/messages.js'
import type { UrlPrefix } from './requestMatching.js'

/**
 * What the worker notes of its own setup as it runs, for the page's setup check
 * (`proxy.diagnose()`): in memory only, bounded, never a token, a header value or a query string.
 * The page words the findings; the worker keeps to facts, so its script stays small.
 */
export interface SetupNotes {
  /** The browser's words when it refused the static routes at install (Policy 12). */
  staticRoutesRefused?: string
  /** Origins of `api` prefixes that answered a `401` whose `WWW-Authenticate` CORS hid. */
  readonly unexposed: Set<string>
  /** Workbox: which `api` prefixes an app route registered before the proxy's takes (`addTokenProxyRoutes`). */
  shadowed?: () => WorkerFindings['shadowed']
  /**
   * Workbox: `explain()`'s answer for `url` as the app's router changes it, when an app route
   * registered before the proxy's takes the request (`addTokenProxyRoutes`, {@link routedExplanation}).
   */
  explained?: (explanation: TokenProxyExplanation, url: URL) => TokenProxyExplanation
}

/** How many API origins the notes keep: a handful is all a report needs. */
const MAX_ORIGINS = 8

/**
 * An API answer the worker reads the challenge of: a cross-origin `401` without a readable
 * `WWW-Authenticate` is one whose CORS answer did not expose it (RFC 6750 §3 makes a `401` carry
 * one), so the worker cannot tell `invalid_token` from a step-up or `insufficient_scope`.
 */
export function noteApiAnswer(notes: SetupNotes, response: Response): void {
  if (
    response.status === 401 &&
    response.type === 'cors' &&
    !response.headers.has('www-authenticate') &&
    notes.unexposed.size < MAX_ORIGINS
  )
    notes.unexposed.add(new URL(response.url).origin)
}

/** What {@link takenByAppRoute} asks of a Workbox `Router`: the route it would pick. */
interface RouteFinder<R> {
  findMatchingRoute(options: { url: URL; sameOrigin: boolean; request: Request; event: ExtendableEvent }): {
    route?: R
  }
}

/** The events {@link takenByAppRoute} hands the match callbacks: none is a request the page made. */
const probes = new WeakSet<Event>()

/**
 * Whether `event` is one {@link takenByAppRoute} made up to ask the router: the proxy's own match
 * callback claims it without deciding, so asking records no decision in the log.
 */
export const isProbe = (event: Event): boolean => probes.has(event)

/**
 * Whether the router hands a request of `method` to `url` to another route than the proxy's
 * (`ours`): one the app registered first, which sends it without the token. The match callbacks
 * get a `fetch()`-like request (mode `cors`, no headers) and a new event: none is dispatched.
 */
export function takenByAppRoute<R>(
  router: RouteFinder<R>,
  ours: ReadonlySet<R>,
  method: string,
  url: URL,
  workerOrigin: string,
): boolean {
  const request = new Request(url, { method })
  const event = typeof FetchEvent === 'function' ? new FetchEvent('fetch', { request }) : new Event('fetch')
  probes.add(event)
  const sameOrigin = url.origin === workerOrigin
  const { route } = router.findMatchingRoute({ url, sameOrigin, request, event: event as ExtendableEvent })
  return route !== undefined && !ours.has(route)
}

/**
 * The `api` prefixes whose requests (a sample URL below each, per method) the router hands to
 * another route than the proxy's (`ours`), as {@link takenByAppRoute} answers for each.
 */
export function shadowedPrefixes<R>(
  router: RouteFinder<R>,
  ours: ReadonlySet<R>,
  methods: readonly string[],
  api: readonly UrlPrefix[],
  workerOrigin: string,
): NonNullable<WorkerFindings['shadowed']> {
  return api.flatMap(({ origin, pathPrefix }) => {
    const url = new URL(`${pathPrefix}sw-token-proxy-check`, origin)
    const taken = methods.filter((method) => takenByAppRoute(router, ours, method, url, workerOrigin))
    return taken.length ? [{ prefix: origin + pathPrefix, methods: taken }] : []
  })
}

/**
 * `explain()` in a Workbox worker: a request the proxy would own (not one it passes) that the
 * router hands to an app route first ({@link takenByAppRoute}) goes out as that route sends it,
 * without the token: `takenBy: 'app-route'`, `attachesToken: false`, no `token`.
 */
export function routedExplanation<R>(
  router: RouteFinder<R>,
  ours: ReadonlySet<R>,
  workerOrigin: string,
): NonNullable<SetupNotes['explained']> {
  return (explanation, url) => {
    if (explanation.role === 'passed' || !takenByAppRoute(router, ours, explanation.method, url, workerOrigin))
      return explanation
    const { token: _notSent, ...taken } = explanation
    return { ...taken, takenBy: 'app-route', attachesToken: false }
  }
}
