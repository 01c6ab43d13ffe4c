import type { TokenSet } from '../parseTokenResponse.js'
import type { RefreshResult } from '../requestRefresh.js'
import type { TokenStore } from '../tokenStore.js'

/** What the worker gives an OpenID Connect plug-in to work with. */
export interface OidcEnvironment {
  origin: string
  fetch: typeof fetch
  store: TokenStore
  now: () => number
  timeoutMs: number
}

/**
 * Sign-in, refresh and revocation with an OpenID Connect provider. The core worker only knows this
 * interface; `openIdConnect()` from `sw-token-proxy/sw/oidc` implements it with oauth4webapi, so
 * apps that do not use a provider do not ship an OAuth client in their worker.
 */
export interface OidcSignIn {
  /** The issuer and client this provider's sessions belong to; another one never refreshes them. */
  readonly issuedBy: string
  beginSignIn(returnTo: string | null): Promise<string>
  completeSignIn(callbackUrl: string): Promise<{ tokens: TokenSet; returnTo: string | null }>
  refresh(refreshToken: string): Promise<RefreshResult>
  revoke(token: string): Promise<boolean>
}

/** What `openIdConnect(options)` returns and `installTokenProxy({ oidc })` accepts. */
export interface OidcPlugin {
  create(environment: OidcEnvironment): OidcSignIn
}
