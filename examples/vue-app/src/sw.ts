/// <reference lib="webworker" />
// The worker, built to /sw.js: the proxy with the demo's auth server (login, refresh, logout).
import { installTokenProxy } from 'sw-token-proxy/sw'

installTokenProxy({
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
  logout: '/auth/logout',
})
