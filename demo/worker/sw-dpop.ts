/// <reference lib="webworker" />
// The demo's worker with DPoP (RFC 9449), built to `/sw-dpop.js` and registered by `/dpop.html`:
// the same options as `/sw.js` plus `dpop: true`, from the DPoP build (`sw-token-proxy/sw/dpop`). Serve it with a server that supports DPoP (the
// demo server with `auth: { dpop: true }`).
import { installTokenProxy } from '../../sw/dpop/index.ts'

installTokenProxy({
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
  logout: '/auth/logout',
  dpop: true,
})
