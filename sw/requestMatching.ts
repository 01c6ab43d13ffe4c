/**
 * Policy 1, "who gets a token": a request gets the bearer token only when its parsed URL is on an
 * `api` prefix (exact origin, path prefix on a segment boundary) and it is a `cors` or
 * `same-origin` request. Navigations and `no-cors` requests never get one: a navigation can be
 * started by another site (CSRF), and a `no-cors` response is opaque to the page anyway.
 */

import type { OffPrefixReason, PassReason } from '../protocol/decisions.js'

export interface UrlPrefix {
  origin: string
  /** Always ends with `/`, so matching is on a segment boundary. */
  pathPrefix: string
}

/**
 * Resolves `'/api/'` or `'https://api.example.com/v1/'` against the worker's origin. A prefix
 * without a trailing slash (`'/api'`) means the segment itself and everything below it.
 */
export function parseUrlPrefix(prefix: string, baseOrigin: string): UrlPrefix {
  const url = new URL(prefix, baseOrigin)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`"${prefix}" is not an http(s) URL prefix`)
  }
  if (url.search || url.hash) {
    throw new TypeError(`"${prefix}" has a query or fragment; a prefix is an origin and a path only`)
  }
  const pathPrefix = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`
  return { origin: url.origin, pathPrefix }
}

export function urlMatchesPrefix(url: URL, prefix: UrlPrefix): boolean {
  if (url.origin !== prefix.origin) return false
  // `/api` itself is inside the `/api/` segment; `/apix` and `/api-evil` are not.
  return url.pathname.startsWith(prefix.pathPrefix) || `${url.pathname}/` === prefix.pathPrefix
}

export function urlMatchesAny(url: URL, prefixes: readonly UrlPrefix[]): boolean {
  return prefixes.some((prefix) => urlMatchesPrefix(url, prefix))
}

/**
 * The prefix that owns `url`: the longest of those that match (Policy 11). Order in the options
 * never matters, so `'https://api.example.com/'` and `'https://api.example.com/billing/'` may be
 * listed either way round and `/billing/…` still belongs to the second; there is no "first" or
 * "default" entry that could hand one API's token to another.
 */
export function longestMatch<P extends UrlPrefix>(url: URL, prefixes: readonly P[]): P | undefined {
  let best: P | undefined
  for (const prefix of prefixes) {
    if (urlMatchesPrefix(url, prefix) && (best === undefined || prefix.pathPrefix.length > best.pathPrefix.length))
      best = prefix
  }
  return best
}

/** Matches one exact endpoint (origin and path; the query string is ignored). */
export function urlIsEndpoint(url: URL, endpoint: URL): boolean {
  return url.origin === endpoint.origin && url.pathname === endpoint.pathname
}

/** Only these request modes may carry a token; the worker never rewrites a request's mode. */
export function isTokenEligibleMode(mode: RequestMode): boolean {
  return mode === 'cors' || mode === 'same-origin'
}

/** A request that already carries credentials of its own is passed through untouched. */
export function hasOwnAuthorization(request: Pick<Request, 'headers'>): boolean {
  return request.headers.has('Authorization')
}

/** What the proxy owns, resolved once from the options: what `routeRequest` matches against. */
export interface OwnedRequests<P extends UrlPrefix> {
  api: readonly P[]
  tokenEndpoints: readonly URL[]
  logout: URL | undefined
}

/**
 * What a request is to the proxy, decided once per request and carried down, so nothing matches or
 * parses it again: an API request with the `api` entry that owns it (its longest matching prefix,
 * Policy 11), a token endpoint, or the logout endpoint.
 */
export type RequestRoute<P extends UrlPrefix = UrlPrefix> =
  { role: 'api'; api: P } | { role: 'token-endpoint' } | { role: 'logout' }

/**
 * The one matching step: the route of a request the proxy owns, or why it leaves the request to
 * the browser, as if it were not here (a string, so a pass costs no allocation). The fetch path
 * and `explain()` both decide here.
 */
export function matchRequest<P extends UrlPrefix>(
  request: Pick<Request, 'mode' | 'headers'>,
  url: URL,
  owned: OwnedRequests<P>,
): RequestRoute<P> | PassReason {
  if (!isTokenEligibleMode(request.mode)) return request.mode === 'navigate' ? 'navigation' : 'no-cors'
  if (owned.logout && urlIsEndpoint(url, owned.logout)) return { role: 'logout' }
  if (owned.tokenEndpoints.some((endpoint) => urlIsEndpoint(url, endpoint))) return { role: 'token-endpoint' }
  const api = longestMatch(url, owned.api)
  if (!api) return 'not-on-a-prefix'
  return hasOwnAuthorization(request) ? 'own-authorization' : { role: 'api', api }
}

/**
 * For a URL on no prefix (the decision log and `explain()` only): the prefix it comes nearest to,
 * and why it is not on it. On its origin, the one sharing the longest start of the path.
 */
export function nearestPrefix<P extends UrlPrefix>(
  url: URL,
  prefixes: readonly P[],
): { prefix: P; why: OffPrefixReason } | undefined {
  let best: { prefix: P; why: OffPrefixReason; shared: number } | undefined
  for (const prefix of prefixes) {
    if (prefix.origin !== url.origin) {
      best ??= { prefix, why: 'other-origin', shared: -1 }
      continue
    }
    const segment = prefix.pathPrefix.slice(0, -1)
    let shared = 0
    while (shared < segment.length && url.pathname[shared] === segment[shared]) shared++
    if (best === undefined || shared > best.shared)
      best = { prefix, why: shared === segment.length ? 'segment-boundary' : 'outside-path', shared }
  }
  return best && { prefix: best.prefix, why: best.why }
}
