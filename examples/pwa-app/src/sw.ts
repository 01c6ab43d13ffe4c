/// <reference lib="webworker" />
// The app's own worker: Workbox precaching of the app shell (vite-plugin-pwa fills in
// self.__WB_MANIFEST), with the token proxy's routes on the same Workbox router.
import { clientsClaim } from 'workbox-core'
import { precacheAndRoute } from 'workbox-precaching'
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

// An auto-updating app: a new version takes over at once.
void self.skipWaiting()
clientsClaim()
