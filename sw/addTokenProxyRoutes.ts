import { registerRoute, type Router } from 'workbox-routing'
import { attachTokenProxy } from './attachTokenProxy.js'
import type { TokenProxyOptions } from './resolveOptions.js'

/** Where {@link addTokenProxyRoutes} puts the proxy's routes. */
export interface TokenProxyRoutesOptions {
  /**
   * A workbox-routing `Router` of the app's own, which must have its fetch listener
   * (`router.addFetchListener()`). Default: Workbox's default router, the one `registerRoute()`
   * and `precacheAndRoute()` use.
   */
  router?: Router
}

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
 * send API requests without the token.
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
export function addTokenProxyRoutes(options: TokenProxyOptions, { router }: TokenProxyRoutesOptions = {}): void {
  attachTokenProxy(options, router ? (route) => router.registerRoute(route) : (route) => void registerRoute(route))
}
