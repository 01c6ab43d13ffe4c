/// <reference lib="webworker" />
// The app's worker, built to /sw.js: the demo backend's login, refresh and logout endpoints.
import { installTokenProxy } from 'sw-token-proxy/sw'

installTokenProxy({
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
  logout: '/auth/logout',
})
