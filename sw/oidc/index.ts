/**
 * `sw-token-proxy/sw/oidc`: OpenID Connect sign-in for the worker, in its own entry so that only
 * apps that use a provider ship an OAuth client (oauth4webapi) in their worker script.
 */
export { openIdConnect, type OidcOptions } from './openIdConnect.js'
