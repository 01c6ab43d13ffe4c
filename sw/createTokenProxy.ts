import { ErrorCode, TokenProxyError, formatMessage } from '../protocol/errors.js'
import type { SessionStatus } from '../protocol/messages.js'
import type { StepUpRequirement } from '../protocol/stepUp.js'
import type { Broadcast } from './broadcast.js'
import { captureTokenResponse } from './captureTokenResponse.js'
import { logOut } from './logOut.js'
import { decodeClaims } from './expiry.js'
import { hasOwnAuthorization, isTokenEligibleMode, urlIsEndpoint, urlMatchesAny } from './requestMatching.js'
import { proxyApiRequest } from './proxyApiRequest.js'
import { requestRefresh } from './requestRefresh.js'
import type { OidcPlugin, OidcSignIn, PendingSignIns } from './oidcPlugin.js'
import { resolveOptions, type Renewal, type TokenProxyOptions } from './resolveOptions.js'
import { SessionRefresher, type Locks } from './SessionRefresher.js'
import { startSession } from './startSession.js'
import { StepUpNotices } from './StepUpNotices.js'
import type { TokenTarget } from './tokenTarget.js'
import type { SessionTokens, TokenStore } from './tokenStore.js'
import { DpopSender } from './dpop/DpopSender.js'
import { refreshWithDpop } from './dpop/refreshWithDpop.js'

/** What the proxy needs from its environment; the worker entry passes the real ones. */
export interface TokenProxyEnvironment {
  origin: string
  fetch: typeof fetch
  store: TokenStore
  locks: Locks
  broadcast: Broadcast
  now: () => number
  warn: (message: string) => void
}

/** What a request is to the proxy; `undefined` means "not ours, let the browser handle it". */
export type RequestRole = 'logout' | 'token-endpoint' | 'api' | undefined

/**
 * The proxy without the service-worker globals: routing decisions, request handling, status and
 * logout. `installTokenProxy` connects it to `self`; unit tests connect it to fakes.
 */
export function createTokenProxy(options: TokenProxyOptions, env: TokenProxyEnvironment) {
  const resolved = resolveOptions(options, env.origin)
  // Policy 10 for a sign-in in progress: it records the configuration that began it (provider,
  // client, DPoP), and only a worker configured the same completes it, so a worker updated while
  // the user was at the provider never sends that sign-in's code and verifier anywhere else.
  const signIns = { issuedBy: '' }
  const pendingSignIns: PendingSignIns = {
    save: (state, pending) => env.store.savePendingSignIn(state, { ...pending, issuedBy: signIns.issuedBy }),
    async take(state, now) {
      const pending = await env.store.takePendingSignIn(state, now)
      if (pending && pending.issuedBy !== signIns.issuedBy) throw signInBeganElsewhere()
      return pending
    },
  }
  // RFC 8707: a sign-in asks for every resource an `api` entry names, so the grant covers them.
  const resources = [
    ...new Set(
      resolved.api.flatMap((prefix) => (prefix.target?.resource === undefined ? [] : [prefix.target.resource])),
    ),
  ]
  // DPoP (issue 15): one sender per worker (it keeps the servers' nonces); absent without `dpop: true`.
  const dpop = resolved.dpop ? new DpopSender({ fetch: env.fetch, now: env.now }) : undefined
  const { oidc, issuedBy, renew } = renewerFor(
    resolved.renewal,
    env.fetch,
    (plugin) => plugin.create({ origin: env.origin, fetch: env.fetch, now: env.now, pendingSignIns, resources, dpop }),
    dpop,
  )
  signIns.issuedBy = issuedBy
  const refresher = new SessionRefresher({ ...env, issuedBy, renew })
  const context = { ...env, issuedBy, refresher, responseLimitBytes: resolved.tokenResponseLimitBytes, dpop }
  const logOutContext = {
    ...context,
    revoke:
      oidc &&
      ((tokens: SessionTokens) =>
        oidc.revoke(tokens.refreshToken ?? tokens.accessToken, dpop ? tokens.dpopKey : undefined)),
  }
  // Built once: the API path is the worker's per-request hot path.
  const apiContext = {
    ...context,
    api: resolved.api,
    refreshAheadSeconds: resolved.refreshAheadSeconds,
    replayBodyLimitBytes: resolved.replayBodyLimitBytes,
    stepUpNotices: new StepUpNotices(env),
  }

  function roleOf(request: Request, url: URL): RequestRole {
    if (!isTokenEligibleMode(request.mode)) return undefined
    if (resolved.logout && urlIsEndpoint(url, resolved.logout)) return 'logout'
    if (resolved.tokenEndpoints.some((endpoint) => urlIsEndpoint(url, endpoint))) return 'token-endpoint'
    if (urlMatchesAny(url, resolved.api) && !hasOwnAuthorization(request)) return 'api'
    return undefined
  }

  function handleRole(
    request: Request,
    role: Exclude<RequestRole, undefined>,
    waitUntil: (promise: Promise<unknown>) => void,
  ): Promise<Response> {
    switch (role) {
      case 'logout':
        return logOut(logOutContext, request)
      case 'token-endpoint':
        return captureTokenResponse(request, context)
      case 'api':
        return proxyApiRequest(request, apiContext, waitUntil)
    }
  }

  return {
    roleOf,

    /** What `roleOf` can claim, for the Static Routing API's rules (`staticRoutes`). */
    ownedUrls: {
      api: resolved.api,
      endpoints: [...resolved.tokenEndpoints, ...(resolved.logout ? [resolved.logout] : [])],
    },

    /**
     * Answers a request the proxy owns. A failure of the proxy itself (the token store, a bad
     * token response) becomes a 503 whose JSON body carries the error's code and message; a
     * network error stays a network error, exactly as the page would have seen it without us.
     */
    handle(
      request: Request,
      role: Exclude<RequestRole, undefined>,
      waitUntil: (promise: Promise<unknown>) => void,
    ): Promise<Response> {
      return handleRole(request, role, waitUntil).catch((error: unknown) => {
        if (!(error instanceof TokenProxyError)) throw error
        env.warn(error.message)
        return Response.json(
          { error: 'token_proxy_error', code: error.code, error_description: error.message },
          { status: 503 },
        )
      })
    },

    /**
     * Reads the stored record afresh (one IndexedDB read), so the answer also reflects what another
     * worker version wrote, and so a test helper that edits the record can make this worker see it.
     */
    async status(): Promise<SessionStatus> {
      const session = await refresher.usable(await env.store.reload())
      if (!session) return { authenticated: false, expiresAt: null }
      const { tokens } = session
      const claims = decodeClaims(tokens.idToken ?? tokens.accessToken)
      return { authenticated: true, expiresAt: tokens.expiresAt, ...(claims && { claims }) }
    },

    /**
     * OpenID Connect: the provider's authorization URL for a new sign-in; for a step-up (RFC 9470),
     * asking for `requirement`'s ACR values and `max_age`. Without `oidc` there is no sign-in here:
     * a plain-mode app answers `STEP_UP_REQUIRED` with its own login.
     */
    async signIn(returnTo: string | null, requirement: StepUpRequirement = {}): Promise<string> {
      if (!oidc) throw notConfigured('start a sign-in')
      return oidc.beginSignIn(returnTo, requirement)
    },

    /** OpenID Connect: redeems the callback's code; the tokens stay here, the page learns `returnTo`. */
    async completeSignIn(callbackUrl: string): Promise<{ returnTo: string | null }> {
      if (!oidc) throw notConfigured('complete a sign-in')
      const { tokens, returnTo, dpopKey } = await oidc.completeSignIn(callbackUrl)
      // DPoP: the key that proved the code exchange becomes the session's, deleted with it.
      await startSession(tokens, context, dpopKey)
      return { returnTo }
    },

    /**
     * `proxy.logout()` from a page: ends the session here and tells every tab first, then revokes
     * the refresh token at the OpenID provider when there is one (RFC 7009) and calls the logout
     * endpoint when there is one, exactly as a page's own request to that endpoint would.
     */
    async logout(): Promise<void> {
      const request = resolved.logout && new Request(resolved.logout, { method: 'POST', credentials: 'same-origin' })
      const response = await logOut(logOutContext, request).catch(() => undefined)
      await response?.body?.cancel()
    },
  }
}

export type TokenProxy = ReturnType<typeof createTokenProxy>

function signInBeganElsewhere(): TokenProxyError {
  return new TokenProxyError(
    ErrorCode.SIGN_IN_FAILED,
    formatMessage(
      'complete the sign-in',
      'it was begun by a worker configured for another provider, client or DPoP setting (this worker was updated while the user was signing in)',
      'Start again with signIn()',
    ),
  )
}

/**
 * Who renews this worker's sessions: the OpenID provider, or the app's refresh endpoint; and what
 * every session started here records as its issuer (Policy 10: only that may renew it).
 */
function renewerFor(
  renewal: Renewal,
  fetch: typeof globalThis.fetch,
  createOidc: (plugin: OidcPlugin) => OidcSignIn,
  dpop: DpopSender | undefined,
) {
  // DPoP (issue 15): a DPoP session and a bearer session are not interchangeable, so turning
  // `dpop` on or off ends the stored session (`configuration_changed`) instead of sending its
  // tokens in a form the server refuses.
  const dpopMark = dpop ? ' dpop' : ''
  if (renewal.via === 'oidc') {
    const oidc = createOidc(renewal.plugin)
    return {
      oidc,
      issuedBy: `${oidc.issuedBy}${dpopMark}`,
      renew: (refreshToken: string, session: SessionTokens, target?: TokenTarget) =>
        oidc.refresh(refreshToken, { target, dpopKey: dpop ? session.dpopKey : undefined }),
    }
  }
  const { endpoint } = renewal
  const issuedBy = `refresh ${endpoint.url.href}${endpoint.clientId === undefined ? '' : ` client_id=${endpoint.clientId}`}${dpopMark}`
  const renew = (refreshToken: string, session: SessionTokens, target?: TokenTarget) =>
    dpop && session.dpopKey
      ? refreshWithDpop(dpop, endpoint, refreshToken, session.dpopKey, target)
      : requestRefresh(fetch, endpoint, refreshToken, target)
  return { oidc: undefined, issuedBy, renew }
}

function notConfigured(action: string): TokenProxyError {
  return new TokenProxyError(
    ErrorCode.INVALID_OPTIONS,
    formatMessage(
      action,
      'the worker has no "oidc" options',
      'Pass oidc: { issuer, clientId, redirectUri } to installTokenProxy()',
    ),
  )
}
