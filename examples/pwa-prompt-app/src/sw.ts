/// <reference lib="webworker" />
// A prompt-to-update PWA's own worker: Workbox precaching of the app shell (vite-plugin-pwa fills
// in self.__WB_MANIFEST) and the token proxy's routes on the same Workbox router. A new version
// installs and then waits: it takes over only when the page asks, after the user accepted.
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching'
import { addTokenProxyRoutes } from 'sw-token-proxy/sw'

declare let self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> }

// Before the app's own runtime routes: Workbox answers with the first route that matches.
addTokenProxyRoutes({
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
  logout: '/auth/logout',
})

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()

// The page's updateSW() (workbox-window's messageSkipWaiting()) posts this to the waiting worker.
// addTokenProxyRoutes() leaves the lifecycle to the app: without this listener the prompt would do
// nothing. No skipWaiting() at install and no clientsClaim(): a first visit is claimed by
// registerTokenProxy() itself.
self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting()
})
