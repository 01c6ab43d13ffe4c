/// <reference lib="webworker" />
import { Route, registerRoute } from 'workbox-routing'
import { getOrCreateDefaultRouter } from 'workbox-routing/utils/getOrCreateDefaultRouter.js'
import type { HTTPMethod } from 'workbox-routing/utils/constants.js'
import type { ProxyRoute, TokenProxy } from './createTokenProxy.js'
import type { TokenProxyOptions, TokenProxyRoutesOptions } from './glossary.js'
import { isProbe, routedExplanation, shadowedPrefixes } from './diagnosis.js'
import { startTokenProxy, type WorkerFeatures } from './startTokenProxy.js'

declare let self: ServiceWorkerGlobalScope

/** Workbox routes by method and defaults to GET; the token goes with every method (Policy 1). */
const ROUTED_METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']
const ROUTED: ReadonlySet<string> = new Set(ROUTED_METHODS)

/**
 * Adds the token proxy to a service worker the app already has (a Workbox worker: precaching,
 * runtime caching, push), instead of registering a second worker for the same scope. It registers
 * the proxy's routes on the app's Workbox router, handles the methods Workbox does not route
 * (`OPTIONS`, `PROPFIND`…), and answers the messages of `registerTokenProxy()`. It leaves the
 * worker's lifecycle to the app: no `skipWaiting`, no `clients.claim` on activation. It does
 * answer the page's `CLAIM` (sent only when the page is uncontrolled while the worker is active)
 * with `clients.claim()`, which gives the active worker the uncontrolled pages and activates no
 * waiting worker, so a prompt-to-update flow is unchanged.
 *
 * Call it once, at the top level of the worker, **before** the app's own runtime routes: Workbox
 * uses the first route that matches, and a caching route for `/api/` registered earlier would
 * send API requests without the token. The browser's static routes (Policy 12, docs/behaviour.md)
 * are not declared here: every request in scope reaches the app's fetch listener first.
 *
 * @example
 * ```ts
 * // src/sw.ts (for example vite-plugin-pwa's injectManifest)
 * import { precacheAndRoute } from 'workbox-precaching'
 * import { addTokenProxyRoutes } from 'sw-token-proxy/sw'
 *
 * declare let self: ServiceWorkerGlobalScope
 *
 * addTokenProxyRoutes({
 *   api: ['/api/'],
 *   tokenEndpoints: ['/auth/login'],
 *   refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
 * })
 * precacheAndRoute(self.__WB_MANIFEST)
 * ```
 */
export function addTokenProxyRoutes(options: TokenProxyOptions, where: TokenProxyRoutesOptions = {}): void {
  addTokenProxyRoutesWith(options, where, {})
}

/** @internal `addTokenProxyRoutes` in a build of the worker with `features` (the DPoP entry's). */
export function addTokenProxyRoutesWith(
  options: TokenProxyOptions,
  { router }: TokenProxyRoutesOptions,
  features: WorkerFeatures,
): void {
  const proxy = startTokenProxy(options, features)
  if (!proxy) return
  const ours = new Set<Route>()
  for (const method of ROUTED_METHODS) {
    const route = workboxRoute(proxy, method)
    ours.add(route)
    if (router) router.registerRoute(route)
    else registerRoute(route)
  }
  // The setup check and explain(): an app route registered before these takes the API's requests, tokenless.
  const routing = router ?? getOrCreateDefaultRouter()
  proxy.notes.shadowed = () =>
    shadowedPrefixes(routing, ours, ROUTED_METHODS, proxy.ownedUrls.api, self.location.origin)
  proxy.notes.explained = routedExplanation(routing, ours, self.location.origin)
  // Workbox only knows its six methods; `OPTIONS` and extension methods (WebDAV's `PROPFIND`…)
  // get the same decision here, so every method is treated alike.
  self.addEventListener('fetch', (event) => {
    if (ROUTED.has(event.request.method)) return
    const route = proxy.route(event.request)
    if (route) event.respondWith(proxy.handle(event.request, route, (promise) => event.waitUntil(promise)))
  })
}

/**
 * The proxy's decision as a Workbox route: the match callback decides once and Workbox hands that
 * decision (its "params") to the handler, so nothing is matched twice.
 */
function workboxRoute(proxy: TokenProxy, method: HTTPMethod): Route {
  return new Route(
    // The setup check's made-up requests reach it only when no app route took them first: claimed, not decided.
    ({ request, url, event }) => isProbe(event) || proxy.route(request, url),
    ({ request, event, params }) =>
      // `params` is what the match callback returned: a `ProxyRoute`, typed loosely by Workbox.
      proxy.handle(request, params as unknown as ProxyRoute, (promise) => (event as FetchEvent).waitUntil(promise)),
    method,
  )
}
