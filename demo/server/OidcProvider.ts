import { generateKeyPair, randomBytes, type JsonWebKey } from 'node:crypto'
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import { closeServer, listen } from './listen.ts'

/**
 * A real OpenID Provider (`oidc-provider` v9, the certified implementation) on
 * `http://127.0.0.1:PORT`: a different site from the app on `http://localhost:PORT`. The e2e suite
 * and `npm start` (demo/server/startDemo.ts) both run it.
 *
 * - Client `spa`: public (`token_endpoint_auth_method: 'none'`), authorization code + refresh token,
 *   PKCE S256 required (oidc-provider's default for public clients; S256 is the only method v9 knows),
 *   refresh tokens rotated on every use (the default for public clients), and reuse of a rotated
 *   refresh token revokes the whole grant (`400 invalid_grant`).
 * - Refresh tokens are issued with oidc-provider's default policy: only when `offline_access` is
 *   granted, which the provider only keeps in the request with `prompt=consent`. So authorize with
 *   `scope=openid offline_access&prompt=consent`.
 * - Client `api` (secret {@link API_CLIENT_SECRET}): confidential, no grants; only for introspection.
 * - Login and consent are oidc-provider's development screens: see {@link DEV_INTERACTIONS}.
 */
export interface OidcProviderOptions {
  /** The loopback port to listen on; default 0, any free one. */
  port?: number
  /** Redirect URIs registered for the `spa` client. */
  clientRedirectUris: string[]
  /** The app origin (`http://localhost:PORT`) allowed to call the token and revocation endpoints. */
  clientOrigin: string
  /** Access token lifetime, `expires_in`. Default 60. */
  accessTokenTtlSeconds?: number
  /**
   * Lifetime of the first refresh token of a grant. Default 3600. Rotated refresh tokens of the
   * public client keep the remaining lifetime of the one they replace (oidc-provider's default
   * policy: rotation does not extend the session).
   */
  refreshTokenTtlSeconds?: number
  /**
   * Resource servers for RFC 8707 resource indicators (`features.resourceIndicators`), by resource
   * identifier. A refresh grant with `resource=` answers a JWT access token (`at+jwt`, signed with
   * the provider's key) whose `aud` is that resource, with the granted ones of these scopes.
   */
  resourceServers?: Record<string, { scope: string }>
  /**
   * Authentication context classes this provider supports (`acrValues`, advertised in discovery),
   * weakest first: the step-up tests (RFC 9470). A login gets the strongest of them that the
   * authorization request's `acr_values` names, as if the user had passed that factor too, else
   * the first. A request whose `acr_values` do not include the session's `acr` asks the user to log
   * in again. The ID token and every access token carry the login's `acr` (JWT access tokens for
   * `resourceServers`, through `extraTokenClaims`).
   */
  acrValues?: string[]
  /**
   * With resource servers: the resource a grant gets when the authorization request names none,
   * and whose token the code exchange and a refresh without `resource=` answer (a JWT for it).
   */
  defaultResource?: string
  /**
   * DPoP (RFC 9449, oidc-provider's `features.dPoP`, on by default): with `true`, the provider also
   * demands its nonce (`nonceSecret`, `requireNonce`) in every proof at the token endpoint, so a
   * proof without the current nonce is answered `400 use_dpop_nonce` with a `DPoP-Nonce` header.
   */
  requireDpopNonce?: boolean
  /**
   * The `spa` client's `require_auth_time` (OpenID Connect Dynamic Client Registration): every ID
   * token states `auth_time`, also for a sign-in that reuses the provider's session. Without it,
   * oidc-provider only states it when the login prompt ran (or for `max_age`, or `claims`), so the
   * ID token of a sign-in that reuses the provider's session has none. Default `false`.
   */
  requireAuthTime?: boolean
  /**
   * Dates every login the provider completes this long in the past (the interaction result's
   * `login.ts`, which becomes the session's `auth_time`): as if the user had authenticated at the
   * provider that long before. Default: the login's own time.
   */
  loginAgeSeconds?: number
  /**
   * Pushed authorization requests (RFC 9126, oidc-provider's `features.pushedAuthorizationRequests`,
   * its endpoint at `/request`): `'offered'` (oidc-provider v9's default) advertises
   * `pushed_authorization_request_endpoint` and accepts both kinds of authorization request;
   * `'required'` also sets `require_pushed_authorization_requests`, so an authorization request
   * without a `request_uri` is refused (`invalid_request`, at the redirect URI); `'off'` has no PAR
   * endpoint at all. Default `'offered'`.
   */
  pushedAuthorizationRequests?: 'off' | 'offered' | 'required'
}

/**
 * What one authorization request (`GET /auth`) asked for, as the provider received it: from its
 * query, or, for a pushed one (`request_uri`), from the request the client pushed.
 */
interface AuthorizationRequestRecord {
  acrValues: string | null
  maxAge: string | null
}

/**
 * One pushed authorization request (`POST /request`, RFC 9126) as the provider received and
 * answered it: which parameters it carried (never a token; none is sent there) and a few values.
 */
interface PushedAuthorizationRequestRecord {
  /** `201` for an accepted request, else the refusal's status. */
  status: number
  /** The OAuth error of a refusal, `null` for an accepted one. */
  error: string | null
  /** The names of the pushed parameters, sorted, each once. */
  parameters: string[]
  clientId: string | null
  acrValues: string | null
  maxAge: string | null
  /** The RFC 7638 thumbprint the code is to be bound to (`dpop_jkt`), or `null`. */
  dpopJkt: string | null
  codeChallengeMethod: string | null
  /** Whether the request carried a `DPoP` proof. */
  proved: boolean
}

/** One revocation request (RFC 7009) as the provider answered it: never the token. */
interface RevocationRecord {
  status: number
  /** What the request revoked: oidc-provider's kind of the token it found, `null` for none. */
  revoked: 'RefreshToken' | 'AccessToken' | null
}

/** One successful answer of the token endpoint: the names of its fields, never their values. */
interface TokenResponseRecord {
  grantType: string | null
  fields: string[]
  /** Whether its `refresh_token` has a JWT's shape (three dot-separated parts); `null` without one. */
  refreshTokenIsJwt: boolean | null
}

/** One request to the token endpoint as the provider answered it: never a token. */
export interface TokenRequestRecord {
  grantType: string | null
  /** The `resource` parameter, or `null`. */
  resource: string | null
  status: number
  /** The OAuth error of a refusal (`use_dpop_nonce`, `invalid_grant`…), `null` for a success. */
  error: string | null
  /** Whether the request carried a `DPoP` proof. */
  proved: boolean
  /** The key thumbprint the issued access token is bound to (`cnf.jkt`), `null` when not bound. */
  boundTo: string | null
  /** For the code exchange: the thumbprint the code was bound to at the authorization request (`dpop_jkt`). */
  codeBoundTo: string | null
}

export interface RunningOidcProvider {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  issuer: string
  provider: Provider
  close(): Promise<void>
  /** Live counts: every POST to the token endpoint, and those with `grant_type=refresh_token`. */
  counters: {
    tokenRequests: number
    refreshGrants: number
    revocations: number
    /** Revocation requests that carried a `DPoP` proof. */
    provedRevocations: number
    grantRevocations: number
    refreshGrantsByResource: Record<string, number>
  }
  /** Every authorization request, in order: what it asked of the login. */
  authorizationRequests: AuthorizationRequestRecord[]
  /** Every pushed authorization request (RFC 9126), in order, with the provider's answer. */
  pushedAuthorizationRequests: PushedAuthorizationRequestRecord[]
  /** The `acr` of every login the provider completed, in order. */
  logins: Array<{ accountId: string; acr: string | undefined }>
  /** Every request to the token endpoint, in order, with the provider's answer. */
  tokenLog: TokenRequestRecord[]
  /** Every RP-Initiated Logout request (`GET /session/end`), in order: what it carried, never the token. */
  endSessionRequests: EndSessionRequestRecord[]
  /** Every revocation request, in order, with what it revoked. */
  revocationLog: RevocationRecord[]
  /** Every successful token response, in order: which fields it had. */
  tokenResponses: TokenResponseRecord[]
  /** Revokes every grant issued so far, with its tokens: the next refresh answers `invalid_grant`. */
  revokeAllGrants(): Promise<void>
}

const SPA_CLIENT_ID = 'spa'
export const API_CLIENT_ID = 'api'
export const API_CLIENT_SECRET = 'api-secret-for-introspection'

/** The development login and consent screens (`features.devInteractions`). */
export const DEV_INTERACTIONS = {
  /** Login page: any login name and any non-empty password are accepted; the login becomes `sub`. */
  loginInput: 'input[name="login"]',
  passwordInput: 'input[name="password"]',
  loginButton: 'Sign-in',
  /** Consent page: one button. */
  consentButton: 'Continue',
} as const

// oidc-provider ships no type declarations. These describe the parts of it used here and in tests.

/** The Koa context, as far as these tests look at it. */
interface ProviderContext {
  method: string
  path: string
  query: Record<string, string | string[] | undefined>
  status: number
  body: unknown
  get(header: string): string
  oidc?: {
    route?: string
    /** The parsed request body, for the endpoints that take one. */
    body?: Record<string, string | string[] | undefined>
    params?: Record<string, unknown>
    /** The session's `acr` (during an authorization request). */
    acr?: string
    result?: { login?: unknown }
    entities?: {
      RefreshToken?: { acr?: string }
      AccessToken?: { jkt?: string }
      AuthorizationCode?: { acr?: string; dpopJkt?: string }
    }
  }
}

function tokenRequestRecord(ctx: ProviderContext, grantType: unknown, resource: unknown): TokenRequestRecord {
  const body = typeof ctx.body === 'object' && ctx.body !== null ? (ctx.body as Record<string, unknown>) : {}
  const error = body['error']
  return {
    grantType: typeof grantType === 'string' ? grantType : null,
    resource: typeof resource === 'string' ? resource : null,
    status: ctx.status,
    error: typeof error === 'string' ? error : null,
    proved: ctx.get('DPoP') !== '',
    boundTo: ctx.oidc?.entities?.AccessToken?.jkt ?? null,
    codeBoundTo: ctx.oidc?.entities?.AuthorizationCode?.dpopJkt ?? null,
  }
}

/** The pushed request as oidc-provider parsed its body (`ctx.oidc.body`), and its answer. */
function pushedAuthorizationRequestRecord(ctx: ProviderContext): PushedAuthorizationRequestRecord {
  const form = ctx.oidc?.body ?? {}
  const single = (name: string) => {
    const value = form[name]
    return typeof value === 'string' ? value : null
  }
  const answer = typeof ctx.body === 'object' && ctx.body !== null ? (ctx.body as Record<string, unknown>) : {}
  const error = answer['error']
  return {
    status: ctx.status,
    error: typeof error === 'string' ? error : null,
    parameters: Object.keys(form).sort(),
    clientId: single('client_id'),
    acrValues: single('acr_values'),
    maxAge: single('max_age'),
    dpopJkt: single('dpop_jkt'),
    codeChallengeMethod: single('code_challenge_method'),
    proved: ctx.get('DPoP') !== '',
  }
}

type ProviderMiddleware = (ctx: ProviderContext, next: () => Promise<void>) => Promise<void>

interface ProviderClient {
  clientId: string
  clientAuthMethod: string
  applicationType: string
}

interface GrantIdRevocable {
  revokeByGrantId(grantId: string): Promise<void>
}

/** What a finished interaction says; `login.acr` is the authentication context the user reached. */
interface InteractionResult {
  login?: { accountId: string; acr?: string; ts?: number }
  [key: string]: unknown
}

/** An instance of oidc-provider's `Provider` (which is itself the Koa application in v9). */
interface Provider {
  readonly issuer: string
  callback(): RequestListener
  use(middleware: ProviderMiddleware): Provider
  on(event: string, listener: (...args: never[]) => void): Provider
  readonly AccessToken: GrantIdRevocable
  readonly RefreshToken: GrantIdRevocable
  readonly AuthorizationCode: GrantIdRevocable
  readonly Grant: { adapter: { destroy(id: string): Promise<void> } }
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: InteractionResult,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{ params: Record<string, unknown> }>
}

type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => Provider

/** Imported through a variable so that `tsc` does not ask for the declarations the package lacks. */
const OIDC_PROVIDER_MODULE: string = 'oidc-provider'

/** oidc-provider's `invalid_target` error, for a resource indicator no resource server answers to. */
type InvalidTargetConstructor = new (description?: string) => Error

/** oidc-provider's interaction policy: its prompts, each with the checks that trigger it. */
interface InteractionPolicy {
  Check: new (
    reason: string,
    description: string,
    check: (ctx: ProviderContext) => boolean | Promise<boolean>,
  ) => unknown
  base(): Array<{ name: string; checks: { add(check: unknown): void } }> & {
    get(name: string): { checks: { add(check: unknown): void } } | undefined
  }
}

interface ProviderModule {
  Provider: ProviderConstructor
  InvalidTarget: InvalidTargetConstructor
  interactionPolicy: InteractionPolicy
}

async function loadProvider(): Promise<ProviderModule> {
  const module = (await import(OIDC_PROVIDER_MODULE)) as {
    default: ProviderConstructor
    errors: { InvalidTarget: InvalidTargetConstructor }
    interactionPolicy: InteractionPolicy
  }
  return {
    Provider: module.default,
    InvalidTarget: module.errors.InvalidTarget,
    interactionPolicy: module.interactionPolicy,
  }
}

let signingKeys: Promise<JsonWebKey[]> | undefined

/** One RS256 signing key per test process (avoids oidc-provider's shared development keys). */
function getSigningKeys(): Promise<JsonWebKey[]> {
  signingKeys ??= new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048 }, (error, _publicKey, privateKey) => {
      if (error) reject(error)
      else resolve([{ ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' }])
    })
  })
  return signingKeys
}

const TOKEN_PATH = '/token'
const END_SESSION_PATH = '/session/end'

/** One end-session request as the provider received it. */
interface EndSessionRequestRecord {
  /** Whether its `id_token_hint` is the ID token this provider issued last. */
  idTokenHintIsLatest: boolean
  hasIdTokenHint: boolean
  clientId: string | null
  postLogoutRedirectUri: string | null
  hasState: boolean
}
const AUTHORIZATION_PATH = '/auth'
const PUSHED_AUTHORIZATION_REQUEST_PATH = '/request'

interface RefreshTokenLike {
  remainingTTL: number
  isSenderConstrained(): boolean
}

export async function startOidcProvider(options: OidcProviderOptions): Promise<RunningOidcProvider> {
  const clientOrigin = new URL(options.clientOrigin).origin

  const [providerModule, jwks] = await Promise.all([loadProvider(), getSigningKeys()])

  // The issuer needs the port, so the provider handles requests only once it exists; nobody can
  // reach the server before then anyway.
  const server = createServer()
  const issuer = `http://127.0.0.1:${await listen(server, options.port ?? 0)}`
  const close = () => closeServer(server)

  let provider: Provider
  try {
    provider = createProvider(providerModule, issuer, options, clientOrigin, jwks)
  } catch (error) {
    await close()
    throw error
  }

  const counters = {
    tokenRequests: 0,
    refreshGrants: 0,
    revocations: 0,
    provedRevocations: 0,
    grantRevocations: 0,
    refreshGrantsByResource: {} as Record<string, number>,
  }
  const authorizationRequests: AuthorizationRequestRecord[] = []
  const pushedAuthorizationRequests: PushedAuthorizationRequestRecord[] = []
  /** What each accepted pushed request asked of the login, by the `request_uri` it was answered. */
  const pushedByRequestUri = new Map<string, AuthorizationRequestRecord>()
  const logins: RunningOidcProvider['logins'] = []
  const tokenLog: TokenRequestRecord[] = []
  const endSessionRequests: EndSessionRequestRecord[] = []
  const revocationLog: RevocationRecord[] = []
  const tokenResponses: TokenResponseRecord[] = []
  /** The ID token the provider issued last: compared, never stored anywhere else or printed. */
  let latestIdToken: string | undefined
  provider.use(async (ctx, next) => {
    if (ctx.path === END_SESSION_PATH && ctx.method === 'GET') {
      const single = (value: string | string[] | undefined) => (typeof value === 'string' ? value : null)
      const hint = single(ctx.query['id_token_hint'])
      endSessionRequests.push({
        idTokenHintIsLatest: hint !== null && hint === latestIdToken,
        hasIdTokenHint: hint !== null,
        clientId: single(ctx.query['client_id']),
        postLogoutRedirectUri: single(ctx.query['post_logout_redirect_uri']),
        hasState: single(ctx.query['state']) !== null,
      })
    }
    if (ctx.method === 'GET' && ctx.path === AUTHORIZATION_PATH) {
      const single = (value: string | string[] | undefined) => (typeof value === 'string' ? value : null)
      const requestUri = single(ctx.query['request_uri'])
      const pushed = requestUri === null ? undefined : pushedByRequestUri.get(requestUri)
      authorizationRequests.push(
        pushed ?? { acrValues: single(ctx.query['acr_values']), maxAge: single(ctx.query['max_age']) },
      )
    }
    if (ctx.method === 'POST' && ctx.path === PUSHED_AUTHORIZATION_REQUEST_PATH) {
      await next()
      const record = pushedAuthorizationRequestRecord(ctx)
      pushedAuthorizationRequests.push(record)
      const requestUri = (ctx.body as { request_uri?: unknown } | undefined)?.request_uri
      if (typeof requestUri === 'string')
        pushedByRequestUri.set(requestUri, { acrValues: record.acrValues, maxAge: record.maxAge })
      return
    }
    const isTokenRequest = ctx.method === 'POST' && ctx.path === TOKEN_PATH
    if (isTokenRequest) counters.tokenRequests += 1
    const isRevocation = ctx.method === 'POST' && ctx.path === `${TOKEN_PATH}/revocation`
    if (isRevocation) {
      counters.revocations += 1
      if (ctx.get('DPoP') !== '') counters.provedRevocations += 1
    }
    await next()
    if (isRevocation) {
      const entities = ctx.oidc?.entities
      const revoked = entities?.RefreshToken ? 'RefreshToken' : entities?.AccessToken ? 'AccessToken' : null
      revocationLog.push({ status: ctx.status, revoked })
    }
    if (!isTokenRequest) return
    // oidc-provider parses the body inside `next`; count refresh attempts whether or not they succeed.
    const grantType = ctx.oidc?.params?.['grant_type']
    const resource = ctx.oidc?.params?.['resource']
    if (grantType === 'refresh_token') {
      counters.refreshGrants += 1
      const key = typeof resource === 'string' ? resource : '(none)'
      counters.refreshGrantsByResource[key] = (counters.refreshGrantsByResource[key] ?? 0) + 1
    }
    tokenLog.push(tokenRequestRecord(ctx, grantType, resource))
    if (ctx.status === 200 && typeof ctx.body === 'object' && ctx.body !== null) {
      const refreshToken = (ctx.body as { refresh_token?: unknown }).refresh_token
      tokenResponses.push({
        grantType: typeof grantType === 'string' ? grantType : null,
        fields: Object.keys(ctx.body).sort(),
        refreshTokenIsJwt: typeof refreshToken === 'string' ? refreshToken.split('.').length === 3 : null,
      })
    }
    const idToken =
      typeof ctx.body === 'object' && ctx.body !== null ? (ctx.body as { id_token?: unknown }).id_token : undefined
    if (typeof idToken === 'string') latestIdToken = idToken
  })
  // Revoking a whole grant is what oidc-provider does when a rotated refresh token is reused.
  provider.on('grant.revoked', () => (counters.grantRevocations += 1))

  const grantIds = new Set<string>()
  provider.on('grant.saved', (grant: { jti: string }) => grantIds.add(grant.jti))
  provider.on('grant.destroyed', (grant: { jti: string }) => grantIds.delete(grant.jti))

  if (options.acrValues) authenticateAtRequestedLevel(provider, options.acrValues, logins)
  if (options.loginAgeSeconds !== undefined) backdateLogins(provider, options.loginAgeSeconds)

  server.on('request', provider.callback())

  return {
    issuer,
    provider,
    counters,
    authorizationRequests,
    pushedAuthorizationRequests,
    logins,
    tokenLog,
    endSessionRequests,
    revocationLog,
    tokenResponses,
    async revokeAllGrants() {
      const ids = [...grantIds]
      grantIds.clear()
      await Promise.all(
        ids.map((id) =>
          Promise.all([
            provider.AccessToken.revokeByGrantId(id),
            provider.RefreshToken.revokeByGrantId(id),
            provider.AuthorizationCode.revokeByGrantId(id),
            provider.Grant.adapter.destroy(id),
          ]),
        ),
      )
    },
    close,
  }
}

/**
 * The development login screen knows nothing of authentication levels: the login it finishes gets
 * the strongest of `acrValues` that the authorization request asked for (as if the user had passed
 * that factor), else the weakest. Wraps the provider's own `interactionFinished`, which the
 * development screens call.
 */
function authenticateAtRequestedLevel(
  provider: Provider,
  acrValues: string[],
  logins: RunningOidcProvider['logins'],
): void {
  const finish = provider.interactionFinished.bind(provider)
  provider.interactionFinished = async (req, res, result, finishOptions) => {
    if (result.login) {
      const { params } = await provider.interactionDetails(req, res)
      const requested = typeof params['acr_values'] === 'string' ? params['acr_values'].split(' ') : []
      const acr = [...acrValues].reverse().find((value) => requested.includes(value)) ?? acrValues[0]
      result = { ...result, login: { ...result.login, ...(acr !== undefined && { acr }) } }
      logins.push({ accountId: result.login!.accountId, acr })
    }
    return finish(req, res, result, finishOptions)
  }
}

/** Dates each login `seconds` in the past (`login.ts`, the session's `auth_time`). */
function backdateLogins(provider: Provider, seconds: number): void {
  const finish = provider.interactionFinished.bind(provider)
  provider.interactionFinished = (req, res, result, finishOptions) =>
    finish(
      req,
      res,
      result.login ? { ...result, login: { ...result.login, ts: Math.floor(Date.now() / 1000) - seconds } } : result,
      finishOptions,
    )
}

function createProvider(
  { Provider: ProviderClass, InvalidTarget, interactionPolicy }: ProviderModule,
  issuer: string,
  options: OidcProviderOptions,
  clientOrigin: string,
  jwks: JsonWebKey[],
): Provider {
  const resourceServers = options.resourceServers
  const resourceIndicators = resourceServers && {
    enabled: true,
    getResourceServerInfo: (_ctx: unknown, resource: string) => {
      const server = Object.hasOwn(resourceServers, resource) ? resourceServers[resource] : undefined
      if (!server) throw new InvalidTarget('unknown resource')
      return {
        scope: server.scope,
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: options.accessTokenTtlSeconds ?? 60,
      }
    },
    // Without `resource=`, a grant keeps answering the OpenID access token (for userinfo), unless
    // there is a default resource: then the grant's resource.
    ...(options.defaultResource !== undefined && { defaultResource: () => options.defaultResource }),
    useGrantedResource: () => options.defaultResource !== undefined,
  }
  const stepUp = options.acrValues && {
    acrValues: options.acrValues,
    interactions: { policy: stepUpPolicy(interactionPolicy) },
    // RFC 9068 access tokens say how the user authenticated, so a resource server can ask for more.
    extraTokenClaims: (ctx: ProviderContext | undefined, token: { kind: string }) => {
      const acr = ctx?.oidc?.entities?.RefreshToken?.acr ?? ctx?.oidc?.entities?.AuthorizationCode?.acr
      return token.kind === 'AccessToken' && acr !== undefined ? { acr } : undefined
    },
  }
  const accessTokenTtl = options.accessTokenTtlSeconds ?? 60
  const refreshTokenTtl = options.refreshTokenTtlSeconds ?? 3600
  const sessionTtl = Math.max(refreshTokenTtl, 24 * 60 * 60)
  return new ProviderClass(issuer, {
    ...stepUp,
    clients: [
      {
        client_id: SPA_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: options.clientRedirectUris,
        // RP-Initiated Logout comes back to the same pages.
        post_logout_redirect_uris: options.clientRedirectUris,
        ...(options.requireAuthTime && { require_auth_time: true }),
      },
      {
        client_id: API_CLIENT_ID,
        client_secret: API_CLIENT_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: jwks },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Any login is an account whose only claim is `sub`.
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    // The default allows a public client's redirect URI origins; this says the same, explicitly.
    clientBasedCORS: (_ctx: unknown, origin: string, client: ProviderClient) =>
      client.clientId === SPA_CLIENT_ID && origin === clientOrigin,
    features: {
      devInteractions: { enabled: true },
      ...(resourceIndicators && { resourceIndicators }),
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx: unknown, client: ProviderClient, token: { clientId?: string }) =>
          token.clientId === client.clientId,
      },
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx: unknown, client: ProviderClient) => client.clientId === API_CLIENT_ID,
      },
      ...(options.requireDpopNonce && {
        dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      }),
      pushedAuthorizationRequests: {
        enabled: (options.pushedAuthorizationRequests ?? 'offered') !== 'off',
        requirePushedAuthorizationRequests: options.pushedAuthorizationRequests === 'required',
      },
    },
    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 10 * 60,
      Session: sessionTtl,
      Grant: sessionTtl,
      // oidc-provider's default policy with our lifetime: a rotated refresh token of a public web
      // client keeps the remaining lifetime of the one it replaces.
      RefreshToken: (
        ctx: { oidc?: { entities?: { RotatedRefreshToken?: RefreshTokenLike } } } | undefined,
        token: RefreshTokenLike,
        client: ProviderClient,
      ) => {
        const rotated = ctx?.oidc?.entities?.RotatedRefreshToken
        if (
          rotated &&
          client.applicationType === 'web' &&
          client.clientAuthMethod === 'none' &&
          !token.isSenderConstrained()
        ) {
          return rotated.remainingTTL
        }
        return refreshTokenTtl
      },
    },
  })
}

/**
 * The default interaction policy, plus step-up: an authorization request whose `acr_values` do not
 * include the session's `acr` asks the user to log in again (oidc-provider only does that for
 * essential `acr` claims). Not right after a login, so a level the provider cannot reach never loops.
 */
function stepUpPolicy(interactionPolicy: InteractionPolicy): ReturnType<InteractionPolicy['base']> {
  const policy = interactionPolicy.base()
  policy.get('login')?.checks.add(
    new interactionPolicy.Check('acr_values', 'the requested authentication level was not reached', (ctx) => {
      const requested = ctx.oidc?.params?.['acr_values']
      if (typeof requested !== 'string' || ctx.oidc?.result?.login) return false
      return !requested.split(' ').includes(ctx.oidc?.acr ?? '')
    }),
  )
  return policy
}
