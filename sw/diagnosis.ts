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

/** What {@link shadowedPrefixes} asks of a Workbox `Router`: the route it would pick. */
interface RouteFinder<R> {
  findMatchingRoute(options: { url: URL; sameOrigin: boolean; request: Request; event: ExtendableEvent }): {
    route?: R
  }
}

/**
 * The `api` prefixes whose requests (a sample URL below each, per method) the router hands to
 * another route than the proxy's (`ours`): one the app registered first, which sends them without
 * the token.
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
    const taken = methods.filter((method) => {
      const request = new Request(url, { method })
      // A match callback may look at the event; none is dispatched, so it gets a new one.
      const event = typeof FetchEvent === 'function' ? new FetchEvent('fetch', { request }) : new Event('fetch')
      const sameOrigin = origin === workerOrigin
      const { route } = router.findMatchingRoute({ url, sameOrigin, request, event: event as ExtendableEvent })
      return route !== undefined && !ours.has(route)
    })
    return taken.length ? [{ prefix: origin + pathPrefix, methods: taken }] : []
  })
}
