/// <reference lib="webworker" />
// The demo's OpenID Connect worker with the session clock (Policy 16, docs/behaviour.md), built to
// `/sw-oidc-session.js` and registered by `/oidc-session.html` (e2e/session-clock-oidc.spec.ts).
// The provider and the API prefixes come from `/oidc-config.js`, as for `/sw-oidc.js`; the sign-in
// comes back to its own page, so that page's worker is the one that completes it.
import { installTokenProxy } from '../../sw/index.ts'
import { readDemoOidcConfig } from './demoOidcConfig.ts'
import { openIdConnect } from '../../sw/oidc/index.ts'

const config = readDemoOidcConfig()

installTokenProxy({
  api: config.api,
  oidc: openIdConnect({
    issuer: config.issuer,
    clientId: config.clientId ?? 'spa',
    redirectUri: '/oidc-session.html',
    postLogoutRedirectUri: '/oidc-session.html',
    scope: config.scope ?? 'openid offline_access',
    // Providers such as oidc-provider only grant offline_access (a refresh token) with consent.
    authorizationParams: { prompt: 'consent' },
    ...(config.pushedAuthorizationRequests !== undefined && {
      pushedAuthorizationRequests: config.pushedAuthorizationRequests,
    }),
  }),
  // A ceiling of one hour from the sign-in (the ID token's auth_time), warned two minutes before.
  // The idle timeout is longer, so the ceiling is the first end: the idle case is the plain
  // demo's (/sw-session.js, e2e/session-clock.spec.ts).
  session: { maxSeconds: 60 * 60, idleSeconds: 2 * 60 * 60, warnBeforeSeconds: 120 },
})
