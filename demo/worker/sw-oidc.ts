/// <reference lib="webworker" />
// The demo's OpenID Connect worker, built to `/sw-oidc.js`. The provider comes from the script URL
// (`/sw-oidc.js?issuer=…`) so that the demo and the tests can point it at any provider; an app
// writes its own values here instead.
import { installTokenProxy } from '../../sw/index.ts'
import { openIdConnect } from '../../sw/oidc/index.ts'

declare let self: ServiceWorkerGlobalScope

const config = new URL(self.location.href).searchParams

installTokenProxy({
  api: (config.get('api') ?? '/api/').split(','),
  oidc: openIdConnect({
    issuer: config.get('issuer') ?? '',
    clientId: config.get('client_id') ?? 'spa',
    redirectUri: '/oidc.html',
    scope: 'openid offline_access',
    // Providers such as oidc-provider only grant offline_access (a refresh token) with consent.
    authorizationParams: { prompt: 'consent' },
  }),
})
