/// <reference lib="webworker" />
// The demo's OpenID Connect settings, for its OpenID workers (/sw-oidc.js, /sw-oidc-session.js):
// read from `/oidc-config.js`, which the server that hosts the demo writes from its own settings
// (`npm start` points it at its embedded provider, the tests at one on a random port). Never from
// the page's URL or query string: a link could otherwise send the session's tokens to any "issuer"
// or "API" it names. An app writes its own values in its worker instead.
import type { ApiEntry } from '../../sw/index.ts'

interface DemoOidcConfig {
  issuer: string
  api: ApiEntry[]
  clientId?: string
  scope?: string
  dpop?: boolean
  /** `oidc.pushedAuthorizationRequests` (RFC 9126); absent: the default, `'auto'`. */
  pushedAuthorizationRequests?: 'auto' | boolean
}

declare let self: ServiceWorkerGlobalScope & { demoOidcConfig?: DemoOidcConfig }

/** Loads `/oidc-config.js` as the worker's script evaluates (importScripts allows nothing later). */
export function readDemoOidcConfig(): DemoOidcConfig {
  self.importScripts('/oidc-config.js')
  const config = self.demoOidcConfig
  if (!config)
    throw new Error(
      '[sw-token-proxy demo] Failed to start the OpenID Connect worker: /oidc-config.js set no demoOidcConfig. Serve it from the server that hosts the demo.',
    )
  return config
}
