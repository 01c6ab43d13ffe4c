/// <reference lib="webworker" />
// The demo's OpenID Connect worker, built to `/sw-oidc.js`. The provider and the API prefixes come
// from `/oidc-config.js`, which the server that hosts the demo writes from its own settings (the
// tests point it at a provider on a random port). Never from the page's URL or query string: a
// link could otherwise send the session's tokens to any "issuer" or "API" it names. An app writes
// its own values here instead.
// The DPoP build (sw-token-proxy/sw/dpop): the tests turn DPoP on through the config.
import { installTokenProxy, type ApiEntry } from '../../sw/dpop/index.ts'
import { openIdConnect } from '../../sw/oidc/index.ts'

declare let self: ServiceWorkerGlobalScope & {
  demoOidcConfig?: { issuer: string; api: ApiEntry[]; clientId?: string; scope?: string; dpop?: boolean }
}

self.importScripts('/oidc-config.js')
const config = self.demoOidcConfig
if (!config)
  throw new Error(
    '[sw-token-proxy demo] Failed to start the OpenID Connect worker: /oidc-config.js set no demoOidcConfig. Serve it from the server that hosts the demo.',
  )

installTokenProxy({
  api: config.api,
  oidc: openIdConnect({
    issuer: config.issuer,
    clientId: config.clientId ?? 'spa',
    redirectUri: '/oidc.html',
    // RP-Initiated Logout (`logout({ endSession: true })`) comes back here; registered at the provider.
    postLogoutRedirectUri: '/oidc.html',
    // An API with its own resource may need its scopes asked for at sign-in (`scope` in the config).
    scope: config.scope ?? 'openid offline_access',
    // Providers such as oidc-provider only grant offline_access (a refresh token) with consent.
    authorizationParams: { prompt: 'consent' },
  }),
  // DPoP (RFC 9449): the session's key is made at sign-in; the provider and the APIs must support it.
  dpop: config.dpop === true,
})
