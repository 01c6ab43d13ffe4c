import type { Credentials } from '../credential.js'
import type { DpopEnvironment, DpopSupport } from '../dpopPlugin.js'
import { readJsonWithin } from '../readBodyWithin.js'
import type { RefreshResult } from '../refreshResult.js'
import type { RefreshEndpoint } from '../requestRefresh.js'
import type { TokenTarget } from '../tokenTarget.js'
import { createDpopProof } from './createDpopProof.js'
import { generateDpopKey, type DpopKey } from './DpopKey.js'
import { DpopNonces } from './dpopNonces.js'
import { refreshWithDpop } from './refreshWithDpop.js'

/** A nonce challenge body is one small JSON object; anything larger is not one. */
const CHALLENGE_BODY_LIMIT_BYTES = 4 * 1024

/**
 * The worker's DPoP (RFC 9449) in one place: makes each session's key, puts a fresh proof on every
 * request that carries the session's tokens (token endpoint, refresh, API, logout), and answers a
 * `use_dpop_nonce` challenge by sending the request once more with the server's new nonce. That
 * retry happens here, below the refresh and 401 logic, so it is never counted as a refresh or a
 * replay, and it happens at most once per request.
 */
export class DpopSender implements DpopSupport {
  readonly #env: DpopEnvironment
  readonly nonces = new DpopNonces()

  constructor(env: DpopEnvironment) {
    this.#env = env
  }

  /** A new key for a new session; made before the login request goes out, which it proves. */
  newKey(): Promise<DpopKey> {
    return generateDpopKey()
  }

  /**
   * Sends `build()` with a proof made with `key` (and, with `accessToken`, `Authorization: DPoP`
   * plus the token's `ath`). `build` must answer a new, mutable `Request` each call (one made in
   * the worker, not the fetch event's own); with `canRetry: false` (a streamed body that cannot be
   * sent twice) a nonce challenge reaches the caller as it came.
   */
  async send(build: () => Request, key: DpopKey, accessToken?: string, canRetry = true): Promise<Response> {
    const first = await this.#sendOnce(build(), key, accessToken)
    // A challenge from where the request was redirected to is that server's, not the one the
    // proof was made for: sending the request again would not answer it.
    if (!canRetry || first.redirected || !(await isNonceChallenge(first))) return first
    await first.body?.cancel()
    return this.#sendOnce(build(), key, accessToken)
  }

  /**
   * Sends a request the page made (the fetch event's own, whose headers cannot be changed) as a
   * copy with a proof, and with `accessToken` as `Authorization: DPoP` when given. Its body is read
   * once into memory so that a nonce challenge can be answered: this is for token endpoints (a
   * login form) and the logout endpoint, whose bodies are small.
   */
  async sendCopyOf(request: Request, key: DpopKey, accessToken?: string): Promise<Response> {
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.clone().arrayBuffer()
    const init = { headers: request.headers, referrer: request.referrer, referrerPolicy: request.referrerPolicy }
    return this.send(
      () => new Request(request, { ...init, headers: new Headers(init.headers), ...(body !== undefined && { body }) }),
      key,
      accessToken,
    )
  }

  /**
   * The credentials of a worker with DPoP on: a DPoP-bound token goes out as `Authorization: DPoP`
   * with a fresh proof by the session's key; a bearer token (a session begun before DPoP was
   * turned on cannot be one: `issuedBy` ends it) goes to `fallback`.
   */
  credentials(fallback: Credentials): Credentials {
    return (token) => {
      const key = token?.tokenType === 'DPoP' ? token.dpopKey : undefined
      if (!token || !key) return fallback(token)
      return { send: (build, canRetry) => this.send(build, key, token.accessToken, canRetry) }
    }
  }

  /** The plain refresh grant with a proof by the session's key (see `refreshWithDpop`). */
  refresh(endpoint: RefreshEndpoint, refreshToken: string, key: DpopKey, target?: TokenTarget): Promise<RefreshResult> {
    return refreshWithDpop(this, endpoint, refreshToken, key, target)
  }

  /** A `fetch` that proves `key` on each request, for code that takes a fetch (the refresh grant). */
  fetchWith(key: DpopKey): typeof fetch {
    return (input, init) => this.send(() => new Request(input, init), key)
  }

  async #sendOnce(request: Request, key: DpopKey, accessToken: string | undefined): Promise<Response> {
    const nonce = this.nonces.for(request.url)
    const proof = await createDpopProof(
      key,
      {
        htm: request.method,
        htu: request.url,
        ...(accessToken !== undefined && { accessToken }),
        ...(nonce !== undefined && { nonce }),
      },
      this.#env.now(),
    )
    request.headers.set('DPoP', proof)
    if (accessToken !== undefined) request.headers.set('Authorization', `DPoP ${accessToken}`)
    const response = await this.#env.fetch(request)
    // The nonce belongs to the server that answered, which a redirect makes another one.
    this.nonces.remember(response.redirected && response.url ? response.url : request.url, response)
    return response
  }
}

/**
 * A server asking for a (new) nonce, with the nonce to use: a resource server's 401 with
 * `WWW-Authenticate: DPoP error="use_dpop_nonce"`, or a token endpoint's 400
 * `{"error":"use_dpop_nonce"}` (RFC 9449 §8, §9). Without a `DPoP-Nonce` header a retry could not
 * do better, so it is not a challenge.
 */
async function isNonceChallenge(response: Response): Promise<boolean> {
  if (response.headers.get('DPoP-Nonce') === null) return false
  if (response.status === 401) {
    return /(^|,)\s*DPoP\b[^]*\berror\s*=\s*"?use_dpop_nonce"?/i.test(response.headers.get('WWW-Authenticate') ?? '')
  }
  if (response.status !== 400) return false
  try {
    const body = await readJsonWithin(response.clone(), CHALLENGE_BODY_LIMIT_BYTES)
    return (body as { error?: unknown } | null)?.error === 'use_dpop_nonce'
  } catch {
    return false
  }
}
