/// <reference lib="webworker" />
// A deliberately broken Workbox worker, for the setup check (e2e/diagnose.spec.ts), built to
// `/sw-workbox-shadowed.js`: the app registers a route for `/api/` *before* the proxy's, so
// Workbox hands every API GET to that route, which sends it without the token. Do not copy this.
import { registerRoute } from 'workbox-routing'
import { addTokenProxyRoutes } from '../../sw/index.ts'

registerRoute(
  ({ url }) => url.pathname.startsWith('/api/'),
  ({ request }) => fetch(request),
)

addTokenProxyRoutes({
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
  logout: '/auth/logout',
})
