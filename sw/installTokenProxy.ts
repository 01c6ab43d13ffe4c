/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core'
import { Router } from 'workbox-routing'
import { attachTokenProxy } from './attachTokenProxy.js'
import type { TokenProxyOptions } from './resolveOptions.js'

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
  const router = new Router()
  router.addFetchListener()
  attachTokenProxy(options, (route) => router.registerRoute(route))

  self.addEventListener('install', () => {
    void self.skipWaiting()
  })
  clientsClaim()
}
