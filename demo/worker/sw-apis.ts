/// <reference lib="webworker" />
// The demo's worker for two APIs with their own tokens (Policy 11, docs/behaviour.md), built to `/sw-apis.js` and
// registered by `/apis.html`: the same options as `/sw.js`, plus two `api` entries naming what
// their tokens are for. The worker mints each API's token from the session's one refresh token,
// with `resource=` or `audience=` in the refresh request, and sends each API only its own.
import { installTokenProxy } from '../../sw/index.ts'

installTokenProxy({
  api: [
    '/api/', // the login's own token
    { prefix: '/api/orders/', resource: 'urn:demo:orders' }, // RFC 8707 resource indicator
    { prefix: '/api/billing/', audience: 'billing' }, // an audience, as Auth0-style servers name APIs
  ],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
  logout: '/auth/logout',
})
