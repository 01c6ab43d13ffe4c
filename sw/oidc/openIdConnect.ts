import * as oauth from 'oauth4webapi'
import {
  ErrorCode,
  TokenProxyError,
  endpoint,
  failureByStatus,
  formatMessage,
  invalid,
  malformed,
  parseTokenResponse,
  safeErrorCode,
  unanswered,
  type OidcEnvironment,
  type OidcPlugin,
  type OidcSignIn,
  type PendingSignIns,
  targetParameters,
  type RefreshResult,
  type StepUpRequirement,
  type TokenSet,
  type TokenTarget,
} from '../oidcPlugin.js'

/** `installTokenProxy({ oidc })`: the provider and this app's registration with it. */
export interface OidcOptions {
  /** The provider's issuer URL; its discovery document says everything else. */
  issuer: string
  /** This app's client id: a public client (no secret), with the authorization code grant. */
  clientId: string
  /** Where the provider sends the user back: the page that calls `completeSignIn()`. */
  redirectUri: string
  /** Default `'openid offline_access'` (offline_access asks for a refresh token). */
  scope?: string
  /** Extra authorization request parameters, for example `{ prompt: 'consent' }`. */
  authorizationParams?: Record<string, string>
  /** A request to the provider that has not answered after this long counts as failed. Default 10 000. */
  timeoutMs?: number
}

/**
 * Signs users in with an OpenID Connect provider, through the worker: pass the result as
 * `installTokenProxy({ oidc })`. Uses oauth4webapi for all protocol work.
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
  return { create: (environment) => new OidcClient(resolveOidc(options, environment), environment) }
}

function resolveOidc(oidc: OidcOptions, { origin }: OidcEnvironment): ResolvedOidc {
  if (typeof oidc !== 'object' || oidc === null) invalid('"oidc" needs "issuer", "clientId" and "redirectUri"')
  if (typeof oidc.clientId !== 'string' || oidc.clientId === '') invalid('"oidc.clientId" must be a non-empty string')
  const redirectUri = endpoint(oidc.redirectUri, 'oidc.redirectUri', origin)
  if (redirectUri.origin !== origin)
    invalid('"oidc.redirectUri" must be a page of this origin: the worker redeems the code there')
  return {
    issuer: endpoint(oidc.issuer, 'oidc.issuer', origin),
    clientId: oidc.clientId,
    redirectUri,
    scope: oidc.scope ?? 'openid offline_access',
    authorizationParams: { ...oidc.authorizationParams },
    timeoutMs: resolveTimeout(oidc.timeoutMs),
  }
}

function resolveTimeout(timeoutMs: unknown): number {
  if (timeoutMs === undefined) return 10_000
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)
    invalid('"oidc.timeoutMs" must be a positive number of milliseconds')
  return timeoutMs
}

interface ResolvedOidc {
  issuer: URL
  clientId: string
  redirectUri: URL
  scope: string
  authorizationParams: Record<string, string>
  timeoutMs: number
}

function signInError(action: string, why: string, remedy: string, cause?: unknown): TokenProxyError {
  return new TokenProxyError(ErrorCode.SIGN_IN_FAILED, formatMessage(action, why, remedy), { cause })
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
  readonly #client: oauth.Client
  readonly issuedBy: string
  #server: Promise<oauth.AuthorizationServer> | undefined

  constructor(
    options: ResolvedOidc,
    env: Pick<OidcEnvironment, 'fetch' | 'pendingSignIns' | 'now'> & Partial<Pick<OidcEnvironment, 'resources'>>,
  ) {
    this.#options = options
    this.#fetch = env.fetch
    this.#pendingSignIns = env.pendingSignIns
    this.#now = env.now
    this.#resources = env.resources ?? []
    this.#client = { client_id: options.clientId }
    this.issuedBy = `oidc ${options.issuer.href} client_id=${options.clientId}`
  }

  /**
   * Builds the authorization URL for a new sign-in, remembering its verifier under its state. A
   * step-up (RFC 9470) adds the API's `acr_values` and `max_age` (OpenID Connect Core §3.1.2.1);
   * they win over the same names in `authorizationParams`.
   */
  async beginSignIn(returnTo: string | null, requirement: StepUpRequirement = {}): Promise<string> {
    const server = await this.#authorizationServer()
    if (!server.authorization_endpoint)
      throw signInError('start the sign-in', 'the provider has no authorization_endpoint', 'Check the issuer URL')
    const codeVerifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const nonce = oauth.generateRandomNonce()
    const { acrValues, maxAge } = requirement
    await this.#pendingSignIns.save(state, {
      codeVerifier,
      nonce,
      returnTo,
      createdAt: this.#now(),
      ...(maxAge !== undefined && { maxAge }),
    })
    const url = new URL(server.authorization_endpoint)
    url.search = new URLSearchParams({
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
    }).toString()
    // RFC 8707: the grant (and so the refresh token) must cover every API that asks for its own token.
    for (const resource of this.#resources) url.searchParams.append('resource', resource)
    return url.href
  }

  /** Checks the callback against the sign-in it answers, and redeems its code for tokens. */
  async completeSignIn(callbackUrl: string): Promise<{ tokens: TokenSet; returnTo: string | null }> {
    const callback = new URL(callbackUrl)
    if (
      callback.origin !== this.#options.redirectUri.origin ||
      callback.pathname !== this.#options.redirectUri.pathname
    ) {
      throw signInError(
        'complete the sign-in',
        'the page is not the configured redirectUri',
        `Call completeSignIn() on ${this.#options.redirectUri.href}`,
      )
    }
    const state = callback.searchParams.get('state') ?? ''
    const pending = await this.#pendingSignIns.take(state, this.#now())
    if (!pending)
      throw signInError(
        'complete the sign-in',
        'this callback does not answer a sign-in in progress (unknown, expired or already used state)',
        'Start again with signIn()',
      )
    const server = await this.#authorizationServer()
    try {
      const parameters = oauth.validateAuthResponse(server, this.#client, callback, state)
      const response = await oauth.authorizationCodeGrantRequest(
        server,
        this.#client,
        oauth.None(),
        parameters,
        this.#options.redirectUri.href,
        pending.codeVerifier,
        this.#requestOptions(),
      )
      const result = await oauth.processAuthorizationCodeResponse(server, this.#client, response, {
        expectedNonce: pending.nonce,
        requireIdToken: this.#options.scope.split(' ').includes('openid'),
        // A sign-in that sent `max_age` must get an ID token whose `auth_time` meets it.
        ...(pending.maxAge !== undefined && { maxAge: pending.maxAge }),
      })
      return { tokens: parseTokenResponse(result), returnTo: pending.returnTo }
    } catch (error) {
      if (error instanceof TokenProxyError) throw error
      const code =
        error instanceof oauth.AuthorizationResponseError || error instanceof oauth.ResponseBodyError
          ? safeErrorCode(error.error)
          : undefined
      const why = code ? `the provider answered "${code}"` : 'the provider’s answer did not validate'
      throw signInError(
        'complete the sign-in',
        why,
        'Start again with signIn(); if it keeps failing, check the client registration at the provider',
        error,
      )
    }
  }

  /**
   * Policy 6 for the OAuth refresh grant, with oauth4webapi validating the answer. With a `target`
   * (Policy 11) the grant carries its `resource` (RFC 8707), `audience` and `scope`.
   */
  async refresh(refreshToken: string, target?: TokenTarget): Promise<RefreshResult> {
    let server: oauth.AuthorizationServer
    let response: Response
    const options = { ...this.#requestOptions(), additionalParameters: targetParameters(target) }
    try {
      server = await this.#authorizationServer()
      response = await oauth.refreshTokenGrantRequest(server, this.#client, oauth.None(), refreshToken, options)
    } catch {
      return unanswered(options.signal)
    }
    const failure = await failureByStatus(response)
    if (failure) return failure
    try {
      return {
        kind: 'renewed',
        tokens: parseTokenResponse(await oauth.processRefreshTokenResponse(server, this.#client, response)),
      }
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError && (error.status === 400 || error.status === 401)) {
        return { kind: 'ended', reason: safeErrorCode(error.error) ?? 'refresh_rejected' }
      }
      return malformed(error)
    }
  }

  /** RFC 7009, when the provider offers it; answers whether the provider confirmed. */
  async revoke(token: string): Promise<boolean> {
    const server = await this.#authorizationServer()
    if (!server.revocation_endpoint) return false
    const response = await oauth.revocationRequest(server, this.#client, oauth.None(), token, this.#requestOptions())
    await oauth.processRevocationResponse(response)
    return true
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
      signal: AbortSignal.timeout(this.#options.timeoutMs),
    }
  }
}

function isLoopback(url: URL): boolean {
  return (
    url.protocol === 'http:' &&
    (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]')
  )
}
