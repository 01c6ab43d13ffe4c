/**
 * The contract between the core worker and an OpenID Connect plug-in (`sw-token-proxy/sw/oidc`):
 * what the core gives the plug-in, and what the plug-in does for the core. Types only.
 */
import type { WorkerFindings } from '../protocol/messages.js'
import type { StepUpRequirement } from '../protocol/stepUp.js'
import type { DpopKey } from './dpop/DpopKey.js'
import type { DpopSupport } from './dpopPlugin.js'
import type { TokenSet } from './parseTokenResponse.js'
import type { RefreshResult } from './refreshResult.js'
import type { PendingSignIn, TokenStore } from './tokenStore.js'
import type { TokenTarget } from './tokenTarget.js'

/** Sign-ins between the redirect to the provider and the callback, kept across worker restarts. */
export interface PendingSignIns {
  /** Remembers a sign-in under its `state`, forgetting the ones never completed. */
  save(state: string, pending: PendingSignIn): Promise<void>
  /** Answers the sign-in started with `state` and forgets it: a callback is redeemed only once. */
  take(state: string, now: number): Promise<PendingSignIn | undefined>
}

/** What the plug-in needs of the worker's store: transactions on its `pendingSignIn` object store. */
export type SignInDatabase = Pick<TokenStore, 'transaction'>

/** DPoP (RFC 9449), what the core gives a plug-in in a worker with `dpop: true`: keys and proofs. */
export type OidcDpop = Pick<DpopSupport, 'newKey' | 'fetchWith'>

/** What the worker gives an OpenID Connect plug-in to work with. */
export interface OidcEnvironment {
  origin: string
  fetch: typeof fetch
  /**
   * Where sign-ins in progress are kept until their callback: the worker gives its database (the
   * plug-in keeps them in its own object store there); a test may give any `PendingSignIns`.
   */
  pendingSignIns: PendingSignIns | SignInDatabase
  now: () => number
  /** The RFC 8707 resources the `api` entries name: a sign-in asks for all of them. */
  resources: readonly string[]
  /** Present with `dpop: true`: every sign-in, refresh and revocation is proved with the session's key. */
  dpop?: OidcDpop | undefined
}

/** What a refresh grant is for, and the key that proves it. */
export interface OidcRefreshOptions {
  /** The API whose own token is asked for (its `resource`, `audience`, `scope`); none: the session's. */
  target?: TokenTarget | undefined
  /** DPoP: the session's key, to which the refresh token is bound. */
  dpopKey?: DpopKey | undefined
}

/** A completed sign-in: the tokens, where the page wanted to go, and (DPoP) the key they are bound to. */
export interface CompletedSignIn {
  tokens: TokenSet
  returnTo: string | null
  /** DPoP: the key made at `beginSignIn()`, which proved the code exchange; it becomes the session's. */
  dpopKey?: DpopKey | undefined
}

/**
 * Sign-in, refresh and revocation with an OpenID Connect provider. The core worker only knows this
 * interface; `openIdConnect()` from `sw-token-proxy/sw/oidc` implements it with oauth4webapi, so
 * apps that do not use a provider do not ship an OAuth client in their worker.
 */
export interface OidcSignIn {
  /** The issuer and client this provider's sessions belong to; another one never refreshes them. */
  readonly issuedBy: string
  /** How long a request to the provider may take; the logout request gets the same deadline. */
  readonly timeoutMs: number
  /**
   * The authorization URL of a new sign-in. With a `requirement` (RFC 9470 step-up), it asks for
   * those `acr_values` and that `max_age`, and the sign-in's ID token must prove the `max_age`.
   */
  beginSignIn(returnTo: string | null, requirement?: StepUpRequirement): Promise<string>
  completeSignIn(callbackUrl: string): Promise<CompletedSignIn>
  /** One refresh grant; with a `target`, for that API's token (its `resource`, `audience`, `scope`). */
  refresh(refreshToken: string, options?: OidcRefreshOptions): Promise<RefreshResult>
  /** RFC 7009; with `dpopKey`, the request carries a proof by it. Answers whether the provider confirmed. */
  revoke(token: string, dpopKey?: DpopKey): Promise<boolean>
  /**
   * RP-Initiated Logout, once the session has ended here: prepares the redirect to the provider's
   * `end_session_endpoint` (with `idTokenHint`, the ended session's ID token) and answers its
   * `state`. Throws, naming the fix, when the provider has no such endpoint or
   * `postLogoutRedirectUri` is not configured.
   */
  beginEndSession(idTokenHint: string | undefined, postLogoutRedirectUri: string | undefined): Promise<string>
  /**
   * The redirect prepared for `state`, once; for a `state` this worker does not know (it restarted
   * meanwhile), the endpoint without the hint: the provider then asks the user to confirm.
   */
  endSessionRedirect(state: string): Promise<string>
  /** Whether `state` is one a `beginEndSession()` sent to the provider, once. */
  completeEndSession(state: string): boolean
  /**
   * The setup check (`proxy.diagnose()`): whether the discovery document can be fetched and names
   * this issuer; `undefined` when it does. Optional: a plug-in without it is not checked.
   */
  checkIssuer?(): Promise<WorkerFindings['issuer']>
}
