/// <reference lib="webworker" />
// An app's own Workbox worker (vite-plugin-pwa injectManifest: precaching of the app shell) that
// signs users in with an OpenID Connect provider: the token proxy's routes, with the oidc plug-in,
// on the same Workbox router as the app's own.
import { clientsClaim } from 'workbox-core'
import { precacheAndRoute } from 'workbox-precaching'
import { addTokenProxyRoutes } from 'sw-token-proxy/sw'
import { openIdConnect } from 'sw-token-proxy/sw/oidc'

declare let self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>
  demoOidcConfig?: { issuer: string }
}

// The provider's address. An app writes its own here (or import.meta.env.VITE_OIDC_ISSUER); this
// example's server (the e2e test's, whose provider listens on a port of its own) writes it into
// /oidc-config.js.
self.importScripts('/oidc-config.js')
const issuer = self.demoOidcConfig?.issuer
if (!issuer)
  throw new Error('[pwa-oidc-app] /oidc-config.js set no issuer: serve it from the server that hosts the app.')

// Before the app's own runtime routes: Workbox answers with the first route that matches.
addTokenProxyRoutes({
  api: ['/api/'],
  oidc: openIdConnect({
    issuer,
    clientId: 'spa',
    // The page that calls completeSignIn(): this app's start page, registered at the provider.
    redirectUri: '/',
    scope: 'openid offline_access',
    // Providers such as oidc-provider only grant offline_access (a refresh token) with consent.
    authorizationParams: { prompt: 'consent' },
  }),
})

precacheAndRoute(self.__WB_MANIFEST)

// An auto-updating app: a new version takes over at once.
void self.skipWaiting()
clientsClaim()
