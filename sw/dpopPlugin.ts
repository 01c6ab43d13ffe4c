/**
 * The contract between the core worker and its DPoP support (`sw/dpop/`, the
 * `sw-token-proxy/sw/dpop` entry), so that only the workers that use DPoP (RFC 9449) ship its
 * keys, proofs and nonces. The core knows this interface; `DpopSender` implements it. Types only.
 */
import type { Credentials } from './credential.js'
import type { DpopKey } from './dpop/DpopKey.js'
import type { RefreshResult } from './refreshResult.js'
import type { RefreshEndpoint } from './requestRefresh.js'
import type { TokenTarget } from './tokenTarget.js'

/** What a worker with DPoP on can do: one per worker, it keeps the servers' nonces. */
export interface DpopSupport {
  /** A new non-extractable key for a new session; it proves the login (or binds the code). */
  newKey(): Promise<DpopKey>
  /** Wraps `fallback`: a DPoP-bound token goes out as `Authorization: DPoP` with a fresh proof. */
  credentials(fallback: Credentials): Credentials
  /** Sends a request the page made (a login form) with a proof by `key` and no token. */
  sendCopyOf(request: Request, key: DpopKey): Promise<Response>
  /** The plain refresh grant, proved by the session's key (the refresh token is bound to it). */
  refresh(endpoint: RefreshEndpoint, refreshToken: string, key: DpopKey, target?: TokenTarget): Promise<RefreshResult>
  /** A `fetch` that proves `key` on each request, for code that takes a fetch (the OpenID client). */
  fetchWith(key: DpopKey): typeof fetch
}

/** What the worker gives the plug-in. */
export interface DpopEnvironment {
  fetch: typeof fetch
  /** Epoch ms on the worker's clock, for each proof's `iat`. */
  now: () => number
}

/** Makes the DPoP support of one worker; given to the core by the `sw-token-proxy/sw/dpop` entry. */
export type DpopSupportFactory = (environment: DpopEnvironment) => DpopSupport
