/**
 * Policy 1, "who gets a token": a request gets the bearer token only when its parsed URL is on an
 * `api` prefix (exact origin, path prefix on a segment boundary) and it is a `cors` or
 * `same-origin` request. Navigations and `no-cors` requests never get one: a navigation can be
 * started by another site (CSRF), and a `no-cors` response is opaque to the page anyway.
 */

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
export function hasOwnAuthorization(request: Request): boolean {
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

/** The one matching step; `undefined` means "not ours: the browser handles it as if we were not here". */
export function routeRequest<P extends UrlPrefix>(
  request: Request,
  url: URL,
  owned: OwnedRequests<P>,
): RequestRoute<P> | undefined {
  if (!isTokenEligibleMode(request.mode)) return undefined
  if (owned.logout && urlIsEndpoint(url, owned.logout)) return { role: 'logout' }
  if (owned.tokenEndpoints.some((endpoint) => urlIsEndpoint(url, endpoint))) return { role: 'token-endpoint' }
  const api = longestMatch(url, owned.api)
  return api && !hasOwnAuthorization(request) ? { role: 'api', api } : undefined
}
