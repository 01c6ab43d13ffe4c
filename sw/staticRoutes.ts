import type { UrlPrefix } from './requestMatching.js'

/**
 * A condition of the Service Worker Static Routing API (`InstallEvent.addRoutes`, Chromium 123+).
 * Declared here because TypeScript's lib does not have it yet.
 */
export type RouterCondition =
  | { requestMode: RequestMode }
  | { urlPattern: URLPatternInit | URLPattern }
  | { or: RouterCondition[] }
  | { not: RouterCondition }

export interface RouterRule {
  condition: RouterCondition
  /** `network`: the browser fetches it without starting or asking the worker. */
  source: 'network' | 'fetch-event'
}

/** The URLs the proxy owns: exactly what `roleOf` decides on, from the same resolved options. */
export interface OwnedUrls {
  api: readonly UrlPrefix[]
  /** Token endpoints and the logout endpoint: exact origin and path, any query. */
  endpoints: readonly URL[]
  /** Pages whose navigations the worker answers (the end-session page): exact origin and path. */
  navigations?: readonly URL[]
}

/**
 * Policy 12, zero cost off the API: the rules to declare at install so that the browser sends
 * everything the proxy does not own straight to the network, without starting the worker.
 *
 * Two rules, checked in order; whatever neither matches goes to the fetch handler:
 * 1. navigations and `no-cors` requests → network (they never get a token, whatever their URL);
 * 2. anything outside the owned URLs → network.
 *
 * Exact against `roleOf` except where a rule cannot look: a request carrying its own
 * `Authorization` on an owned URL still reaches the worker, which passes it through untouched.
 * Routing a request *through* the worker is always safe; the opposite would lose a token.
 */
export function staticRoutes(owned: OwnedUrls): RouterRule[] {
  const ownedPatterns: RouterCondition[] = [
    ...owned.api.map((prefix) => ({ urlPattern: prefixPattern(prefix) })),
    ...owned.endpoints.map((endpoint) => ({ urlPattern: endpointPattern(endpoint) })),
  ]
  const navigations: RouterRule[] = owned.navigations?.length
    ? [
        {
          condition: { or: owned.navigations.map((url) => ({ urlPattern: endpointPattern(url) })) },
          source: 'fetch-event',
        },
      ]
    : []
  return [
    ...navigations,
    { condition: { or: [{ requestMode: 'navigate' }, { requestMode: 'no-cors' }] }, source: 'network' },
    { condition: { not: { or: ownedPatterns } }, source: 'network' },
  ]
}

/** `/api/` on an origin: `/api` itself and everything below it, never `/apix` (`roleOf`'s rule). */
function prefixPattern(prefix: UrlPrefix): URLPatternInit {
  const segment = prefix.pathPrefix.slice(0, -1)
  return { ...originParts(new URL(prefix.origin)), pathname: `${escapePattern(segment)}{/*}?` }
}

function endpointPattern(endpoint: URL): URLPatternInit {
  return { ...originParts(endpoint), pathname: escapePattern(endpoint.pathname) }
}

/** Search, hash, username and password are left out, so they match anything, as in `roleOf`. */
function originParts(url: URL): URLPatternInit {
  return { protocol: url.protocol.slice(0, -1), hostname: escapePattern(url.hostname), port: url.port }
}

/** URL pattern syntax gives these characters a meaning; a URL's own are literal. */
function escapePattern(text: string): string {
  return text.replace(/[\\:*(){}?+[\]]/g, '\\$&')
}
