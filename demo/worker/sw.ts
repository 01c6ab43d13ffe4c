/// <reference lib="webworker" />
// The demo's worker script, built to `/sw.js`: this is all an app writes on the worker side.
import { installTokenProxy } from '../../sw/index.ts'

installTokenProxy({
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
  logout: '/auth/logout',
  refreshAheadSeconds: 30,
})
