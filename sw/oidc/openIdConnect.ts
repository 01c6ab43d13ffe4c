import * as oauth from 'oauth4webapi'
import { ErrorCode, TokenProxyError, formatMessage, type SignInFailureReason } from '../../protocol/errors.js'
import type { WorkerFindings } from '../../protocol/messages.js'
import type { StepUpRequirement } from '../../protocol/stepUp.js'
import type { DpopKey } from '../dpop/DpopKey.js'
import type { OidcPlugin } from '../glossary.js'
import type {
  CompletedSignIn,
  OidcDpop,
  OidcEnvironment,
  OidcRefreshOptions,
  OidcSignIn,
  PendingSignIns,
} from '../oidcPlugin.js'
import { endpoint, invalid, timeout as timeoutOption } from '../optionChecks.js'
import { parseTokenResponse } from '../parseTokenResponse.js'
import { failureByStatus, malformed, safeErrorCode, unanswered, type RefreshResult } from '../refreshResult.js'
import { targetParameters } from '../tokenTarget.js'
import { pendingSignInsIn } from './pendingSignIns.js'

/** `installTokenProxy({ oidc })`: the provider and this app's registration with it. */
export interface OidcOptions {
  /**
   * The provider's issuer URL; its discovery document (`/.well-known/openid-configuration`) says
   * everything else. Part of what a session records as its issuer: changing it ends stored sessions.
   *
   * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig OpenID Connect Discovery 1.0 §4
   */
  issuer: string
  /**
   * This app's client id: a public client (no secret), with the authorization code grant and PKCE.
   * Part of what a session records as its issuer, like `issuer`.
   */
  clientId: string
  /**
   * Where the provider sends the user back: the page of this origin that calls `completeSignIn()`,
   * a path or a URL, registered with the provider exactly so.
   */
  redirectUri: string
  /**
   * Default `'openid offline_access'` (`offline_access` asks for a refresh token; without one the
   * session ends at the first 401).
   *
   * @see https://openid.net/specs/openid-connect-core-1_0.html#OfflineAccess OpenID Connect Core 1.0 §11, offline access
   */
  scope?: string
  /**
   * Extra authorization request parameters, for example `{ prompt: 'consent' }`. For a step-up,
   * pass `acrValues` and `maxAge` to `signIn()` instead.
   *
   * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest OpenID Connect Core 1.0 §3.1.2.1
   */
  authorizationParams?: Record<string, string>
  /**
   * A request to the provider that has not answered after this many milliseconds counts as a
   * passing failure (a refresh keeps the session and backs off). Default 10 000.
   */
  timeoutMs?: number
  /**
   * Where the provider may send the user after `proxy.logout({ endSession: true })` (RP-Initiated
   * Logout): pages of this origin, paths or URLs, registered with the provider as
   * `post_logout_redirect_uris`. The first is the default; a page may name another one of these,
   * never a URL that is not listed. Without it, the provider shows its own signed-out page.
   *
   * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout OpenID Connect RP-Initiated Logout 1.0 §2
   */
  postLogoutRedirectUri?: string | string[]
  /**
   * Pushed authorization requests (PAR): the worker sends the authorization request (PKCE
   * challenge, `state`, `nonce`, scope, resources, `dpop_jkt`, a step-up's `acr_values` and
   * `max_age`, `authorizationParams`) straight to the provider's
   * `pushed_authorization_request_endpoint`, and the browser visits the authorization endpoint
   * with only `client_id` and the `request_uri` the provider answered. Nothing of the request then
   * passes through the browser's address bar, history or the provider's access logs.
   *
   * - `'auto'` (the default): pushed when the discovery document names a
   *   `pushed_authorization_request_endpoint` (or says `require_pushed_authorization_requests`),
   *   in the URL otherwise.
   * - `true`: always pushed; a provider whose discovery document names no such endpoint fails the
   *   sign-in (`ERR_SIGN_IN_FAILED`, reason `provider_misconfigured`).
   * - `false`: never pushed, the request in the URL as without PAR (a provider that requires PAR
   *   then refuses the sign-in, and that refusal is what `completeSignIn()` reports).
   *
   * A provider that refuses the pushed request fails `signIn()` with `ERR_SIGN_IN_FAILED` and its
   * OAuth error as the reason; a PAR endpoint that does not answer, with `provider_unreachable`.
   *
   * @see https://www.rfc-editor.org/rfc/rfc9126 RFC 9126, OAuth 2.0 Pushed Authorization Requests
   */
  pushedAuthorizationRequests?: 'auto' | boolean
}

/**
 * Signs users in with an OpenID Connect provider, through the worker: pass the result as
 * `installTokenProxy({ oidc })`. Uses oauth4webapi for all protocol work: the authorization code
 * flow with PKCE, state and nonce kept in the worker; every `resource` the `api` entries name asked
 * for at sign-in; the ID token validated; renewals as refresh grants (with each API's `resource`,
 * `audience`, `scope`); at logout, the refresh token revoked where the discovery document has a
 * `revocation_endpoint`. The page only navigates: `signIn()`, then `completeSignIn()` on the
 * redirect page.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth OpenID Connect Core 1.0 §3.1, authorization code flow
 * @see https://www.rfc-editor.org/rfc/rfc7636 RFC 7636, PKCE
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2 RFC 8707 §2, resource indicators
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2 RFC 7009 §2, token revocation
 *
 * @example
 * ```ts
 * import { installTokenProxy } from 'sw-token-proxy/sw'
 * import { openIdConnect } from 'sw-token-proxy/sw/oidc'
 *
 * installTokenProxy({
 *   api: ['https://api.example.com/'],
 *   oidc: openIdConnect({ issuer: 'https://id.example.com', clientId: 'spa', redirectUri: '/callback' }),
 * })
 * ```
 */
export function openIdConnect(options: OidcOptions): OidcPlugin {
  return {
    kind: 'openid-connect',
    create: (environment) => new OidcClient(resolveOidc(options, environment), environment),
  }
}

function resolveOidc(oidc: OidcOptions, { origin }: OidcEnvironment): ResolvedOidc {
  if (typeof oidc !== 'object' || oidc === null) invalid('"oidc" needs "issuer", "clientId" and "redirectUri"')
  if (typeof oidc.clientId !== 'string' || oidc.clientId === '') invalid('"oidc.clientId" must be a non-empty string')
  const redirectUri = endpoint(oidc.redirectUri, 'oidc.redirectUri', origin)
  if (redirectUri.origin !== origin)
    invalid('"oidc.redirectUri" must be a page of this origin: the worker redeems the code there')
  const postLogout = oidc.postLogoutRedirectUri
  const postLogoutRedirectUris = (
    postLogout === undefined ? [] : Array.isArray(postLogout) ? postLogout : [postLogout]
  ).map((uri, index) => {
    const url = endpoint(uri, `oidc.postLogoutRedirectUri[${index}]`, origin)
    if (url.origin !== origin) invalid('"oidc.postLogoutRedirectUri" must be pages of this origin')
    return url
  })
  return {
    postLogoutRedirectUris,
    issuer: endpoint(oidc.issuer, 'oidc.issuer', origin),
    clientId: oidc.clientId,
    redirectUri,
    scope: oidc.scope ?? 'openid offline_access',
    authorizationParams: { ...oidc.authorizationParams },
    timeoutMs: timeoutOption(oidc.timeoutMs, 'oidc.timeoutMs', 10_000),
    pushedAuthorizationRequests: pushedAuthorizationRequestsOption(oidc.pushedAuthorizationRequests),
  }
}

function pushedAuthorizationRequestsOption(value: unknown): 'auto' | boolean {
  if (value === undefined) return 'auto'
  if (value !== 'auto' && typeof value !== 'boolean')
    invalid('"oidc.pushedAuthorizationRequests" must be "auto", true or false')
  return value
}

interface ResolvedOidc {
  postLogoutRedirectUris: URL[]
  issuer: URL
  clientId: string
  redirectUri: URL
  scope: string
  authorizationParams: Record<string, string>
  timeoutMs: number
  pushedAuthorizationRequests: 'auto' | boolean
}

function signInError(
  reason: SignInFailureReason,
  action: string,
  why: string,
  remedy: string,
  cause?: unknown,
): TokenProxyError {
  return new TokenProxyError(ErrorCode.SIGN_IN_FAILED, formatMessage(action, why, remedy), { cause, reason })
}

/** The provider's metadata, or `provider_unreachable` when its discovery document cannot be had. */
function unreachable(action: string, error: unknown): TokenProxyError {
  return signInError(
    'provider_unreachable',
    action,
    'the provider could not be reached (offline, refused, or past oidc.timeoutMs)',
    'Try again when the provider is reachable; check the issuer URL',
    error,
  )
}

/**
 * The worker's OpenID Connect client. Protocol work (discovery, PKCE, state and nonce checks, the
 * code exchange, the refresh grant, revocation, response validation) is oauth4webapi's; what is
 * ours is where the secrets live: the PKCE verifier and every token stay in the worker.
 */
class OidcClient implements OidcSignIn {
  readonly #options: ResolvedOidc
  readonly #fetch: typeof fetch
  readonly #pendingSignIns: PendingSignIns
  readonly #now: () => number
  readonly #resources: readonly string[]
  readonly #dpop: OidcDpop | undefined
  readonly #client: oauth.Client
  /**
   * DPoP: oauth4webapi's handle for each session key, made once per key in this worker, because the
   * handle also remembers the provider's latest nonce. Keyed by the public key, not the `CryptoKey`
   * object: every read of the session record gives a new object for the same key. A worker that
   * restarts makes a new handle and learns the nonce again from one challenge.
   */
  readonly #dpopHandles = new Map<string, Promise<oauth.DPoPHandle>>()
  readonly issuedBy: string
  /**
   * Policy 10 for a sign-in in progress: the configuration that began it (provider, client, DPoP),
   * recorded with it; only a worker configured the same completes it, so a worker updated while the
   * user was at the provider never sends that sign-in's code and verifier anywhere else. The DPoP
   * mark is the one the core adds to a session's `issuedBy`.
   */
  readonly #configuration: string
  readonly timeoutMs: number
  #server: Promise<oauth.AuthorizationServer> | undefined
  readonly #endSessions: EndSessions

  constructor(
    options: ResolvedOidc,
    env: Pick<OidcEnvironment, 'fetch' | 'pendingSignIns' | 'now'> &
      Partial<Pick<OidcEnvironment, 'resources' | 'dpop'>>,
  ) {
    this.#options = options
    this.#fetch = env.fetch
    const { pendingSignIns } = env
    this.#pendingSignIns = 'transaction' in pendingSignIns ? pendingSignInsIn(pendingSignIns) : pendingSignIns
    this.#now = env.now
    this.#resources = env.resources ?? []
    this.#dpop = env.dpop
    this.#client = { client_id: options.clientId }
    this.issuedBy = `oidc ${options.issuer.href} client_id=${options.clientId}`
    this.#configuration = `${this.issuedBy}${env.dpop ? ' dpop' : ''}`
    this.timeoutMs = options.timeoutMs
    this.#endSessions = new EndSessions(env.now)
  }

  /**
   * Builds the authorization URL for a new sign-in, remembering its verifier under its state. A
   * step-up (RFC 9470) adds the API's `acr_values` and `max_age` (OpenID Connect Core §3.1.2.1);
   * they win over the same names in `authorizationParams`. With PAR (RFC 9126) the request is
   * pushed to the provider first, and the URL carries only `client_id` and its `request_uri`.
   */
  async beginSignIn(returnTo: string | null, requirement: StepUpRequirement = {}): Promise<string> {
    const server = await this.#authorizationServer().catch((error: unknown) => {
      throw unreachable('start the sign-in', error)
    })
    if (!server.authorization_endpoint)
      throw signInError(
        'provider_misconfigured',
        'start the sign-in',
        'the provider has no authorization_endpoint',
        'Check the issuer URL',
      )
    const pushed = this.#pushesTo(server)
    const codeVerifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const nonce = oauth.generateRandomNonce()
    const { acrValues, maxAge } = requirement
    // DPoP: the session's key is made now, before the redirect, so that the code is bound to it.
    const dpopKey = await this.#dpop?.newKey()
    const parameters = new URLSearchParams({
      ...this.#options.authorizationParams,
      client_id: this.#options.clientId,
      redirect_uri: this.#options.redirectUri.href,
      response_type: 'code',
      scope: this.#options.scope,
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      ...(acrValues !== undefined && { acr_values: acrValues }),
      ...(maxAge !== undefined && { max_age: String(maxAge) }),
    })
    // RFC 8707: the grant (and so the refresh token) must cover every API that asks for its own token.
    for (const resource of this.#resources) parameters.append('resource', resource)
    // RFC 9449 §10: the code is bound to the key's thumbprint, so only this worker can redeem it.
    // Pushed too (§10.1 allows the parameter instead of a proof on the PAR request): the code
    // exchange is proved by the key anyway, and a provider demanding nonces costs no round trip.
    if (dpopKey) parameters.set('dpop_jkt', await (await this.#dpopHandle(dpopKey)).calculateThumbprint())
    const url = new URL(server.authorization_endpoint)
    url.search = (pushed ? await this.#push(server, parameters) : parameters).toString()
    await this.#pendingSignIns.save(state, {
      codeVerifier,
      nonce,
      returnTo,
      createdAt: this.#now(),
      ...(maxAge !== undefined && { maxAge }),
      ...(dpopKey && { dpopKey }),
      issuedBy: this.#configuration,
    })
    return url.href
  }

  /**
   * Whether this sign-in's request is pushed (`oidc.pushedAuthorizationRequests`): with `'auto'`,
   * when the provider offers or requires PAR. Throws when PAR is wanted and the provider names no
   * endpoint for it.
   */
  #pushesTo(server: oauth.AuthorizationServer): boolean {
    const choice = this.#options.pushedAuthorizationRequests
    const required = server.require_pushed_authorization_requests === true
    const offered = typeof server.pushed_authorization_request_endpoint === 'string'
    if (choice === false || (choice === 'auto' && !offered && !required)) return false
    // With 'auto', only a provider that requires PAR and names no endpoint for it gets here.
    if (!offered)
      throw signInError(
        'provider_misconfigured',
        'start the sign-in',
        'the provider has no pushed_authorization_request_endpoint',
        'Turn pushed authorization requests on at the provider, or set oidc.pushedAuthorizationRequests to false',
      )
    return true
  }

  /**
   * RFC 9126 §2: pushes the authorization request; answers what the browser then sends to the
   * authorization endpoint (§4): `client_id` and the `request_uri` the provider gave.
   */
  async #push(server: oauth.AuthorizationServer, parameters: URLSearchParams): Promise<URLSearchParams> {
    let response: Response
    try {
      response = await oauth.pushedAuthorizationRequest(
        server,
        this.#client,
        oauth.None(),
        parameters,
        this.#requestOptions(),
      )
    } catch (error) {
      throw unreachable('start the sign-in', error)
    }
    try {
      const { request_uri } = await oauth.processPushedAuthorizationResponse(server, this.#client, response)
      return new URLSearchParams({ client_id: this.#options.clientId, request_uri })
    } catch (error) {
      const code =
        error instanceof oauth.ResponseBodyError
          ? safeErrorCode(error.error)
          : error instanceof oauth.WWWAuthenticateChallengeError
            ? safeErrorCode(error.cause[0]?.parameters.error)
            : undefined
      throw signInError(
        code ?? 'invalid_response',
        'start the sign-in',
        `the provider answered the pushed authorization request ${code ? `"${code}"` : `with HTTP ${response.status}, not a request_uri`}`,
        'Check the client registration at the provider, or set oidc.pushedAuthorizationRequests to false',
        error,
      )
    }
  }

  /** Checks the callback against the sign-in it answers, and redeems its code for tokens. */
  async completeSignIn(callbackUrl: string): Promise<CompletedSignIn> {
    const callback = new URL(callbackUrl)
    if (
      callback.origin !== this.#options.redirectUri.origin ||
      callback.pathname !== this.#options.redirectUri.pathname
    ) {
      throw signInError(
        'not_redirect_uri',
        'complete the sign-in',
        'the page is not the configured redirectUri',
        `Call completeSignIn() on ${this.#options.redirectUri.href}`,
      )
    }
    const state = callback.searchParams.get('state') ?? ''
    const pending = await this.#pendingSignIns.take(state, this.#now())
    if (pending && pending.issuedBy !== this.#configuration)
      throw signInError(
        'configuration_changed',
        'complete the sign-in',
        'it was begun by a worker configured for another provider, client or DPoP setting (this worker was updated while the user was signing in)',
        'Start again with signIn()',
      )
    if (!pending)
      throw signInError(
        'state_mismatch',
        'complete the sign-in',
        'this callback does not answer a sign-in in progress (unknown, expired or already used state)',
        'Start again with signIn()',
      )
    const server = await this.#authorizationServer().catch((error: unknown) => {
      throw unreachable('complete the sign-in', error)
    })
    const { dpopKey } = pending
    try {
      const parameters = oauth.validateAuthResponse(server, this.#client, callback, state)
      const options = await this.#tokenRequestOptions(dpopKey)
      // A nonce challenge is answered before the provider looks at the code (RFC 9449 §8), so the
      // retry redeems it as if for the first time.
      const result = await retriedOnceOnNonce(options, async () => {
        const response = await oauth.authorizationCodeGrantRequest(
          server,
          this.#client,
          oauth.None(),
          parameters,
          this.#options.redirectUri.href,
          pending.codeVerifier,
          { ...options, signal: timeout(this.#options.timeoutMs) },
        )
        return oauth.processAuthorizationCodeResponse(server, this.#client, response, {
          expectedNonce: pending.nonce,
          requireIdToken: this.#options.scope.split(' ').includes('openid'),
          // A sign-in that sent `max_age` must get an ID token whose `auth_time` meets it.
          ...(pending.maxAge !== undefined && { maxAge: pending.maxAge }),
        })
      })
      return {
        tokens: parseTokenResponse(result, { acceptDpop: dpopKey !== undefined }),
        returnTo: pending.returnTo,
        ...(dpopKey && { dpopKey }),
      }
    } catch (error) {
      if (error instanceof TokenProxyError) throw error
      const code =
        error instanceof oauth.AuthorizationResponseError || error instanceof oauth.ResponseBodyError
          ? safeErrorCode(error.error)
          : undefined
      // oauth4webapi's own errors are about the answer; anything else (a TypeError from fetch, an
      // AbortError or TimeoutError from the deadline) means no answer came.
      const answered =
        code !== undefined ||
        error instanceof oauth.OperationProcessingError ||
        error instanceof oauth.WWWAuthenticateChallengeError ||
        error instanceof oauth.UnsupportedOperationError
      if (!answered) throw unreachable('complete the sign-in', error)
      const why = code ? `the provider answered "${code}"` : 'the provider’s answer did not validate'
      throw signInError(
        code ?? 'invalid_response',
        'complete the sign-in',
        why,
        'Start again with signIn(); if it keeps failing, check the client registration at the provider',
        error,
      )
    }
  }

  /**
   * Policy 6 for the OAuth refresh grant, with oauth4webapi validating the answer. With a `target`
   * (Policy 11) the grant carries its `resource` (RFC 8707), `audience` and `scope`. With a
   * `dpopKey` it carries a proof by that key, to which the refresh token is bound; a `use_dpop_nonce`
   * challenge is answered once, inside this one refresh (never a second refresh), and a provider
   * that still asks after that has not refused the token: a passing failure, the session kept.
   */
  async refresh(refreshToken: string, { target, dpopKey }: OidcRefreshOptions = {}): Promise<RefreshResult> {
    let server: oauth.AuthorizationServer
    let options: oauth.TokenEndpointRequestOptions
    try {
      server = await this.#authorizationServer()
      options = { ...(await this.#tokenRequestOptions(dpopKey)), additionalParameters: targetParameters(target) }
    } catch {
      // The discovery document could not be fetched: the provider is unreachable for now.
      return { kind: 'failed', reason: 'network_error', retryAfterMs: undefined }
    }
    try {
      const tokens = await retriedOnceOnNonce(options, async () => {
        const signal = timeout(this.#options.timeoutMs)
        let response: Response
        try {
          response = await oauth.refreshTokenGrantRequest(server, this.#client, oauth.None(), refreshToken, {
            ...options,
            signal,
          })
        } catch {
          throw new Unanswered(signal)
        }
        const failure = await failureByStatus(response)
        if (failure) throw new Failed(failure)
        return oauth.processRefreshTokenResponse(server, this.#client, response)
      })
      return { kind: 'renewed', tokens: parseTokenResponse(tokens, { acceptDpop: dpopKey !== undefined }) }
    } catch (error) {
      if (error instanceof Unanswered) return unanswered(error.signal)
      if (error instanceof Failed) return error.result
      if (oauth.isDPoPNonceError(error)) return { kind: 'failed', reason: 'http_400', retryAfterMs: undefined }
      if (error instanceof oauth.ResponseBodyError && (error.status === 400 || error.status === 401)) {
        return { kind: 'ended', reason: safeErrorCode(error.error) ?? 'refresh_rejected' }
      }
      return malformed(error)
    }
  }

  /**
   * RFC 7009, when the provider offers it; answers whether the provider confirmed. oauth4webapi
   * sends a revocation without a proof, so with a `dpopKey` the core's proving fetch sends it
   * (with its own one nonce retry).
   */
  async revoke(token: string, dpopKey?: DpopKey): Promise<boolean> {
    const server = await this.#authorizationServer()
    if (!server.revocation_endpoint) return false
    const fetchWith = dpopKey && this.#dpop ? this.#dpop.fetchWith(dpopKey) : this.#fetch
    const response = await oauth.revocationRequest(server, this.#client, oauth.None(), token, {
      ...this.#requestOptions(),
      [oauth.customFetch]: fetchWith,
    })
    await oauth.processRevocationResponse(response)
    return true
  }

  /**
   * RP-Initiated Logout: the provider's `end_session_endpoint` with `id_token_hint` (the ended
   * session's ID token, when it had one), `client_id`, and the way back with its `state`. Throws,
   * naming the fix, when the provider has no such endpoint or `postLogoutRedirectUri` is not one
   * of the configured ones.
   */
  async beginEndSession(idTokenHint: string | undefined, postLogoutRedirectUri: string | undefined): Promise<string> {
    const state = oauth.generateRandomState()
    const url = await this.#endSessionUrl(idTokenHint, postLogoutRedirectUri, state)
    this.#endSessions.remember(state, url, new URL(url).searchParams.has('post_logout_redirect_uri'))
    return state
  }

  async endSessionRedirect(state: string): Promise<string> {
    return this.#endSessions.takeRedirect(state) ?? (await this.#endSessionUrl(undefined, undefined, state))
  }

  completeEndSession(state: string): boolean {
    return this.#endSessions.takeReturn(state)
  }

  /** The setup check: the discovery document, fetched (once per worker start) and compared. */
  async checkIssuer(): Promise<WorkerFindings['issuer']> {
    const issuer = this.#options.issuer.href
    try {
      await this.#authorizationServer()
      return undefined
    } catch (error) {
      // oauth4webapi compares the document's `issuer` with ours (OpenID Connect Discovery §4.3).
      const { cause } = error as { cause?: { attribute?: unknown; body?: { issuer?: unknown } } }
      if (cause?.attribute === 'issuer' && typeof cause.body?.issuer === 'string')
        return { issuer, named: cause.body.issuer }
      return { issuer, detail: error instanceof Error ? error.message : String(error) }
    }
  }

  async #endSessionUrl(
    idTokenHint: string | undefined,
    postLogoutRedirectUri: string | undefined,
    state: string,
  ): Promise<string> {
    const configured = this.#options.postLogoutRedirectUris
    const back =
      postLogoutRedirectUri === undefined
        ? configured[0]
        : configured.find((url) => url.href === new URL(postLogoutRedirectUri, this.#options.redirectUri).href)
    if (postLogoutRedirectUri !== undefined && !back)
      throw new TokenProxyError(
        ErrorCode.INVALID_OPTIONS,
        formatMessage(
          "end the provider's session",
          `"${postLogoutRedirectUri}" is not one of oidc.postLogoutRedirectUri`,
          'The session has ended in this browser; list the page in the worker options (and at the provider)',
        ),
      )
    const server = await this.#authorizationServer().catch((error: unknown) => {
      throw unreachable("end the provider's session", error)
    })
    if (!server.end_session_endpoint)
      throw signInError(
        'provider_misconfigured',
        "end the provider's session",
        'the provider has no end_session_endpoint (OpenID Connect RP-Initiated Logout)',
        'The session has ended in this browser; call logout() without endSession, or turn RP-initiated logout on at the provider',
      )
    const url = new URL(server.end_session_endpoint)
    url.searchParams.set('client_id', this.#options.clientId)
    if (idTokenHint) url.searchParams.set('id_token_hint', idTokenHint)
    if (back) {
      url.searchParams.set('post_logout_redirect_uri', back.href)
      url.searchParams.set('state', state)
    }
    return url.href
  }

  /** The discovery document, fetched once per worker start (and again after a failure). */
  #authorizationServer(): Promise<oauth.AuthorizationServer> {
    this.#server ??= oauth
      .discoveryRequest(this.#options.issuer, this.#requestOptions())
      .then((response) => oauth.processDiscoveryResponse(this.#options.issuer, response))
      .catch((error: unknown) => {
        this.#server = undefined
        throw error
      })
    return this.#server
  }

  #requestOptions() {
    return {
      [oauth.customFetch]: this.#fetch,
      // Plain http only for a provider on this machine (development and tests); never elsewhere.
      [oauth.allowInsecureRequests]: isLoopback(this.#options.issuer),
      signal: timeout(this.#options.timeoutMs),
    }
  }

  /** The options of a token-endpoint request: with a `dpopKey`, oauth4webapi proves it (`DPoP`). */
  async #tokenRequestOptions(dpopKey: DpopKey | undefined): Promise<oauth.TokenEndpointRequestOptions> {
    const options = this.#requestOptions()
    return dpopKey ? { ...options, DPoP: await this.#dpopHandle(dpopKey) } : options
  }

  /**
   * oauth4webapi's DPoP handle for a session key. It takes a `CryptoKeyPair`: the private key is the
   * session's, non-extractable; the public key is imported again from the stored JWK (a public key
   * is extractable by nature, and oauth4webapi reads it to build the proofs' `jwk` header).
   */
  #dpopHandle(key: DpopKey): Promise<oauth.DPoPHandle> {
    const id = `${key.publicJwk.x}.${key.publicJwk.y}`
    let handle = this.#dpopHandles.get(id)
    if (!handle) {
      handle = crypto.subtle
        .importKey('jwk', key.publicJwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify'])
        .then((publicKey) => oauth.DPoP(this.#client, { privateKey: key.privateKey, publicKey }))
      // One session at a time matters; a few are kept so a sign-in racing a session does not evict it.
      if (this.#dpopHandles.size >= MAX_DPOP_HANDLES) this.#dpopHandles.delete(this.#dpopHandles.keys().next().value!)
      this.#dpopHandles.set(id, handle)
    }
    return handle
  }
}

/** How many sessions' DPoP handles a worker keeps (each is one key and the provider's nonce). */
const MAX_DPOP_HANDLES = 4

/** Thrown inside a refresh attempt: no answer (offline, timeout). */
class Unanswered extends Error {
  constructor(readonly signal: AbortSignal) {
    super('no answer')
  }
}

/** Thrown inside a refresh attempt: a status that is a passing failure by itself (5xx, 429). */
class Failed extends Error {
  constructor(readonly result: RefreshResult) {
    super('failed')
  }
}

/**
 * Runs one token-endpoint request (`attempt`: send and process) and, when it was proved (`DPoP`)
 * and the provider asked for a nonce (`use_dpop_nonce`), runs it once more: the handle has kept the
 * nonce from the challenge. Never more than once, so a provider that keeps asking cannot loop us.
 */
async function retriedOnceOnNonce<T>(options: { DPoP?: oauth.DPoPHandle }, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt()
  } catch (error) {
    if (options.DPoP === undefined || !oauth.isDPoPNonceError(error)) throw error
    return attempt()
  }
}

function timeout(ms: number): AbortSignal {
  return AbortSignal.timeout(ms)
}

function isLoopback(url: URL): boolean {
  return (
    url.protocol === 'http:' &&
    (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]')
  )
}

/**
 * RP-Initiated Logouts under way, in this worker's memory only (their redirects carry an ID
 * token): the redirect each end-session page answers once, and the `state` the provider sends back,
 * accepted once.
 */
class EndSessions {
  /** Long enough for a slow provider's confirmation page; a later return is not ours. */
  static readonly #LIFETIME_MS = 10 * 60 * 1000
  readonly #now: () => number
  readonly #redirects = new Map<string, { url: string; at: number }>()
  readonly #returns = new Map<string, number>()

  constructor(now: () => number) {
    this.#now = now
  }

  remember(state: string, url: string, comesBack: boolean): void {
    this.#forgetExpired()
    this.#redirects.set(state, { url, at: this.#now() })
    if (comesBack) this.#returns.set(state, this.#now())
  }

  takeRedirect(state: string): string | undefined {
    this.#forgetExpired()
    const redirect = this.#redirects.get(state)
    this.#redirects.delete(state)
    return redirect?.url
  }

  takeReturn(state: string): boolean {
    this.#forgetExpired()
    return this.#returns.delete(state)
  }

  #forgetExpired(): void {
    const oldest = this.#now() - EndSessions.#LIFETIME_MS
    for (const [state, { at }] of this.#redirects) if (at < oldest) this.#redirects.delete(state)
    for (const [state, at] of this.#returns) if (at < oldest) this.#returns.delete(state)
  }
}
