/// <reference lib="webworker" />
import { installTokenProxy } from 'sw-token-proxy/sw'

declare let self: ServiceWorkerGlobalScope

// The test starts its servers on free ports and names them in the script URL
// (`/sw.js?issuer=…&api=…`); an app writes its own URLs here instead.
const config = new URL(self.location.href).searchParams
const issuer = config.get('issuer') ?? ''

installTokenProxy({
  api: [`${config.get('api') ?? ''}/`], // an API on another origin, as an absolute URL prefix
  tokenEndpoints: [`${issuer}/token`], // the login: the page posts the password grant here
  refresh: { url: `${issuer}/token`, format: 'oauth2', clientId: 'fixture-app' },
})
