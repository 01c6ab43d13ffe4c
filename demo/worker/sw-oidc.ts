/// <reference lib="webworker" />
// The demo's OpenID Connect worker, built to `/sw-oidc.js`. The provider and the API prefixes come
// from `/oidc-config.js` (see demoOidcConfig.ts); an app writes its own values here instead.
// The DPoP build (sw-token-proxy/sw/dpop): the tests turn DPoP on through the config.
import { installTokenProxy } from '../../sw/dpop/index.ts'
import { readDemoOidcConfig } from './demoOidcConfig.ts'
import { openIdConnect } from '../../sw/oidc/index.ts'

const config = readDemoOidcConfig()

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
    ...(config.pushedAuthorizationRequests !== undefined && {
      pushedAuthorizationRequests: config.pushedAuthorizationRequests,
    }),
  }),
  // DPoP (RFC 9449): the session's key is made at sign-in; the provider and the APIs must support it.
  dpop: config.dpop === true,
})
