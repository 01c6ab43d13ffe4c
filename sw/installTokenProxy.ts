/// <reference lib="webworker" />
import type { TokenProxy } from './createTokenProxy.js'
import type { TokenProxyOptions } from './glossary.js'
import { startTokenProxy, type WorkerFeatures } from './startTokenProxy.js'
import { staticRoutes, type RouterRule } from './staticRoutes.js'

declare let self: ServiceWorkerGlobalScope

/**
 * Turns this service worker into the token proxy. Call it once, at the top level of the worker
 * script. The worker takes over at once (`skipWaiting` + `clients.claim`), so an update never
 * leaves pages on an old version longer than needed. An app that already has a Workbox worker
 * uses {@link addTokenProxyRoutes} instead, and keeps its own lifecycle.
 *
 * Invalid options fail the worker's install (the previous worker keeps serving) and are reported
 * to the pages: `registerTokenProxy()` rejects with `ERR_INVALID_OPTIONS` and the reason.
 *
 * Each API request gets the token (renewed first when it is about to expire, once for every tab);
 * a `401` whose `WWW-Authenticate` names no error or `invalid_token` renews once and replays the
 * request once; everything else reaches the page as the server sent it. Every rule, numbered, is in
 * docs/behaviour.md.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3 RFC 6750 §3, the `WWW-Authenticate` error codes
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1 RFC 9110 §11.6.1, how `WWW-Authenticate` is read
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1 RFC 6749 §5.1, the token responses it keeps
 *
 * @example
 * ```ts
 * // src/sw.ts
 * import { installTokenProxy } from 'sw-token-proxy/sw'
 *
 * installTokenProxy({
 *   api: ['/api/'],
 *   tokenEndpoints: ['/auth/login'],
 *   refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
 *   logout: '/auth/logout',
 * })
 * ```
 */
export function installTokenProxy(options: TokenProxyOptions): void {
  installTokenProxyWith(options, {})
}

/** @internal `installTokenProxy` in a build of the worker with `features` (the DPoP entry's). */
export function installTokenProxyWith(options: TokenProxyOptions, features: WorkerFeatures): void {
  const proxy = startTokenProxy(options, features)
  // One listener decides each request once, for every method; what it does not own it leaves to
  // the browser, synchronously (Policy 12 where the static routes could not be declared).
  if (proxy)
    self.addEventListener('fetch', (event) => {
      const route = proxy.route(event.request)
      if (route) event.respondWith(proxy.handle(event.request, route, (promise) => event.waitUntil(promise)))
    })

  self.addEventListener('install', (event) => {
    void self.skipWaiting()
    if (proxy) declareStaticRoutes(event, proxy)
  })
  // What workbox-core's clientsClaim() does, without shipping workbox-core's version stamp.
  self.addEventListener('activate', () => void self.clients.claim())
}

/** `InstallEvent` where the browser has the Static Routing API (Chromium 123+). */
type RoutingInstallEvent = ExtendableEvent & { addRoutes(rules: RouterRule[]): Promise<void> }

/**
 * Policy 12, zero cost off the API: tells the browser, once at install, to send everything the
 * proxy does not own straight to the network, so pages, assets and third-party requests never
 * wait for this worker to start. Where the API is missing, or refuses the rules, every request
 * still reaches the fetch listener, which returns at once for what it does not own.
 */
function declareStaticRoutes(event: ExtendableEvent, proxy: TokenProxy): void {
  if (!('addRoutes' in event)) return
  event.waitUntil(
    (event as RoutingInstallEvent).addRoutes(staticRoutes(proxy.ownedUrls)).catch((error: unknown) => {
      // Noted for the page's setup check, too.
      const refused = (proxy.notes.staticRoutesRefused = error instanceof Error ? error.message : 'refused')
      console.warn(
        `[sw-token-proxy] Static routes were not declared (${refused}); every request in scope goes through the worker's fetch listener.`,
      )
    }),
  )
}
