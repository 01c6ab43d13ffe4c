/// <reference lib="webworker" />
// The demo's worker with a per-login API cache, built to `/sw-cache.js` (e2e/api-cache.spec.ts):
// /api/ answers are kept for offline use, network first, by the cache's plug-in (sw-token-proxy/sw/cache).
import { installTokenProxy } from '../../sw/index.ts'
import { apiCache } from '../../sw/cache/index.ts'

installTokenProxy({
  api: [{ prefix: '/api/', cache: 'network-first' }],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
  logout: '/auth/logout',
  apiCache: apiCache(),
})
