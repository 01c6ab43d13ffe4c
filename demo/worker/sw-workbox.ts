/// <reference lib="webworker" />
// An app's own Workbox worker (the kind vite-plugin-pwa's injectManifest builds) that also hosts
// the token proxy, built to `/sw-workbox.js`: no second worker for the same scope. The proxy's
// routes go on Workbox's default router; the worker's lifecycle stays the app's.
import { precacheAndRoute } from 'workbox-precaching'
import { addTokenProxyRoutes } from '../../sw/index.ts'

declare let self: ServiceWorkerGlobalScope

// Before the app's own runtime routes: Workbox answers with the first route that matches.
addTokenProxyRoutes({
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
  logout: '/auth/logout',
})

// The app shell, precached (vite-plugin-pwa writes `self.__WB_MANIFEST` here, with real revisions).
precacheAndRoute([{ url: '/workers.html', revision: '1' }])

// A prompt-to-update app: a new version waits until the page asks it to take over.
self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting()
})
