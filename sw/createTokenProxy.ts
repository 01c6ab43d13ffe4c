import { ErrorCode, TokenProxyError, formatMessage } from '../protocol/errors.js'
import type { TokenProxyExplanation } from '../protocol/decisions.js'
import type { RequestPayloads, SessionStatus, WorkerFindings } from '../protocol/messages.js'
import type { StepUpRequirement } from '../protocol/stepUp.js'
import type { Broadcast } from './broadcast.js'
import { captureTokenResponse } from './captureTokenResponse.js'
import { bearerCredentials } from './credential.js'
import { logOut, type LogOutContext } from './logOut.js'
import { decodeClaims } from './expiry.js'
import type { SetupNotes } from './diagnosis.js'
import { matchRequest, type RequestRoute } from './requestMatching.js'
import { NO_DECISIONS, type DecisionLog } from './decisionLog.js'
import { explanation, requestDecision, type Decided } from './explainRequest.js'
import { proxyApiRequest } from './proxyApiRequest.js'
import { clearApiCaches } from './apiCachePlugin.js'
import { requestRefresh } from './requestRefresh.js'
import type { DpopSupport, DpopSupportFactory } from './dpopPlugin.js'
import type { OidcPlugin, TokenProxyOptions } from './glossary.js'
import type { OidcSignIn } from './oidcPlugin.js'
import { invalid } from './optionChecks.js'
import { resolveOptions, type RenewalSource } from './resolveOptions.js'
import { SessionRefresher, type Locks } from './SessionRefresher.js'
import { deadlinesOf, firstEnd, resolveSessionLimits, SessionClock } from './sessionClock.js'
import { startSession } from './startSession.js'
import { StepUpNotices } from './StepUpNotices.js'
import type { OwnedUrls } from './staticRoutes.js'
import type { ApiPrefix, TokenTarget } from './tokenTarget.js'
import { isLive, type SessionTokens, type TokenStore } from './tokenStore.js'

/** What the proxy needs from its environment; the worker entry passes the real ones. */
export interface TokenProxyEnvironment {
  origin: string
  fetch: typeof fetch
  store: TokenStore
  locks: Locks
  broadcast: Broadcast
  now: () => number
  warn: (message: string) => void
  /**
   * DPoP, in the worker builds that have it (`sw-token-proxy/sw/dpop`); `dpop: true` without it is
   * refused, so a worker never silently sends bearer tokens to servers that expect DPoP.
   */
  dpop?: DpopSupportFactory | undefined
  /** The worker's registration scope (a URL ending in `/`); default: the origin's root. */
  scope?: string | undefined
  /**
   * CacheStorage, for the `api` entries with a `cache` strategy (Policy 15, with the `apiCache`
   * plug-in). Without it those entries are not cached, and no session end touches CacheStorage.
   */
  caches?: CacheStorage | undefined
  /** The decision log (`debug`); default: none, and nothing is recorded. */
  log?: DecisionLog | undefined
}

/** Keeps the worker alive for work that outlives the answer (`ExtendableEvent.waitUntil`). */
export type WaitUntil = (promise: Promise<unknown>) => void

/** What a request is to the proxy: decided once by {@link TokenProxy.route}, carried to `handle`. */
export type ProxyRoute = RequestRoute<ApiPrefix> | { role: 'end-session' }

/** `proxy.logout({ endSession })`: RP-Initiated Logout, and the page the provider sends the user back to. */
export interface EndSessionRequest {
  postLogoutRedirectUri?: string | undefined
}

/**
 * The proxy without the service-worker globals: the routing decision, request handling, status,
 * sign-in and logout. `installTokenProxy` connects it to `self`; unit tests connect it to fakes.
 */
export interface TokenProxy {
  /** The one matching step: what `request` (at `url`, its parsed URL) is to the proxy, if anything. */
  route(request: Request, url?: URL): ProxyRoute | undefined
  /** `route(request, url)?.role`: what the static routes are checked against. */
  roleOf(request: Request, url: URL): ProxyRoute['role'] | undefined
  /** What `route` can claim, for the Static Routing API's rules (`staticRoutes`). */
  readonly ownedUrls: OwnedUrls
  /**
   * Answers a request the proxy owns. A failure of the proxy itself (the token store, a bad token
   * response) becomes a 503 whose JSON body carries the error's code and message; a network error
   * stays a network error, exactly as the page would have seen it without us.
   */
  handle(request: Request, route: ProxyRoute, waitUntil: WaitUntil): Promise<Response>
  /**
   * Reads the stored record afresh (one IndexedDB read), so the answer also reflects what another
   * worker version wrote, and so a test helper that edits the record can make this worker see it.
   */
  status(waitUntil?: WaitUntil): Promise<SessionStatus>
  /**
   * The session clock (Policy 16): the user is here (`stayActive()`, or input a page reports).
   * Resets the idle timeout for every tab, withdraws an idle warning, and answers the status.
   */
  stayActive(waitUntil?: WaitUntil): Promise<SessionStatus>
  /**
   * OpenID Connect: the provider's authorization URL for a new sign-in; for a step-up (RFC 9470),
   * asking for `requirement`'s ACR values and `max_age`. Without `oidc` there is no sign-in here:
   * a plain-mode app answers `STEP_UP_REQUIRED` with its own login.
   */
  signIn(returnTo: string | null, requirement?: StepUpRequirement): Promise<string>
  /** OpenID Connect: redeems the callback's code; the tokens stay here, the page learns `returnTo`. */
  completeSignIn(callbackUrl: string): Promise<{ returnTo: string | null }>
  /**
   * `proxy.logout()` from a page: ends the session here and tells every tab, then (kept alive by
   * `waitUntil`, not awaited) revokes the refresh token at the OpenID provider when there is one
   * (RFC 7009) and calls the logout endpoint when there is one, with the same deadline as a
   * refresh. Resolves once the session has ended here; rejects with `ERR_STORAGE_FAILED` when it
   * could not be cleared.
   */
  logout(waitUntil?: WaitUntil, endSession?: EndSessionRequest): Promise<{ endSessionUrl: string } | undefined>
  /**
   * RP-Initiated Logout, on the page the provider sent the browser back to: whether its `state` is
   * one this worker's logout sent (each is accepted once).
   */
  completeLogout(callbackUrl: string): Promise<{ endedAtProvider: boolean }>
  /** What the worker noted of its own setup; the worker entry adds what only it knows (the static routes, Workbox). */
  readonly notes: SetupNotes
  /** The setup check: the notes, and with OpenID Connect whether the issuer's discovery document agrees. */
  diagnose(): Promise<WorkerFindings>
  /**
   * `proxy.explain()`: what the worker would do with a request and why, decided by `route`'s own
   * matching step; reads the stored session for the token's seconds left. Never holds a token.
   */
  explain(asked: RequestPayloads['EXPLAIN']): Promise<TokenProxyExplanation>
  /** The decision log: the tab `clientId` follows it (`on`), or no longer does. */
  followDecisions(clientId: string, on: boolean): void
}

/** Builds the proxy from the app's options; throws `ERR_INVALID_OPTIONS` for unusable ones. */
export function createTokenProxy(options: TokenProxyOptions, given: TokenProxyEnvironment): TokenProxy {
  const resolved = resolveOptions(options, given.origin)
  const { caches } = given
  const log = given.log ?? NO_DECISIONS
  // Policy 15: every end of a session (and every new one) deletes the per-login API caches
  // before any tab hears of it, so no tab can read the ended login's data after being told.
  const env: TokenProxyEnvironment = caches
    ? {
        ...given,
        broadcast: async (type, payload) => {
          if (type === 'SESSION_ENDED' || type === 'SESSION_EXPIRED' || type === 'SESSION_STARTED')
            await clearApiCaches(caches).catch(() => undefined)
          return given.broadcast(type, payload)
        },
      }
    : given
  // RFC 8707: a sign-in asks for every resource an `api` entry names, so the grant covers them.
  const resources = [
    ...new Set(
      resolved.api.flatMap((prefix) => (prefix.target?.resource === undefined ? [] : [prefix.target.resource])),
    ),
  ]
  // DPoP (RFC 9449): one per worker (it keeps the servers' nonces); absent without `dpop: true`.
  if (resolved.dpop && !env.dpop)
    invalid(
      '"dpop: true" needs the DPoP build of the worker: import installTokenProxy (or addTokenProxyRoutes) from "sw-token-proxy/sw/dpop" instead of "sw-token-proxy/sw"',
    )
  const dpop = resolved.dpop ? env.dpop?.({ fetch: env.fetch, now: env.now }) : undefined
  // Policy 15: the strategies come with the plug-in; an entry naming a `cache` without it would
  // silently never work offline, so it is refused, naming the import.
  const cachedIndex = resolved.api.findIndex((prefix) => prefix.cache !== undefined)
  if (cachedIndex >= 0 && !options.apiCache)
    invalid(
      `"api[${cachedIndex}].cache" needs the per-login API cache: pass apiCache: apiCache() from "sw-token-proxy/sw/cache" to installTokenProxy() (or addTokenProxyRoutes())`,
    )
  const cache = caches && options.apiCache?.create({ caches, store: env.store })
  const bearer = bearerCredentials(env.fetch)
  const credentials = dpop ? dpop.credentials(bearer) : bearer
  const { oidc, issuedBy, renew, timeoutMs } = renewerFor(
    resolved.renewal,
    env.fetch,
    (plugin) =>
      plugin.create({ origin: env.origin, fetch: env.fetch, now: env.now, pendingSignIns: env.store, resources, dpop }),
    dpop,
  )
  // The session clock (Policy 16): a renewal asked for after a deadline passed is not made; the
  // session ends for the deadline's reason instead, so a request in flight at the end gets its own
  // answer, never a replay with tokens of a session that is over.
  const limits = resolveSessionLimits(options.session)
  const revokeEnded = (tokens: SessionTokens) =>
    (logOutContext.revoke?.(tokens) ?? Promise.resolve()).catch(() => undefined)
  const renewWithinClock: typeof renew = async (refreshToken, session, target) => {
    const record = await env.store.current()
    const end = isLive(record) && record.tokens.loginId === session.loginId && firstEnd(deadlinesOf(record, limits))
    if (end && env.now() >= end.endsAt) {
      // The renewal's caller is awaited by its request, which keeps the worker alive meanwhile.
      void revokeEnded(session)
      return { kind: 'ended', reason: end.reason }
    }
    return renew(refreshToken, session, target)
  }
  const refresher = new SessionRefresher({ ...env, log, issuedBy, renew: renewWithinClock })
  const clock = new SessionClock({
    ...env,
    limits,
    async end(record, reason, waitUntil) {
      // The end of a refused refresh, and the provider is told where it allows (RFC 7009).
      if (await refresher.end(record.generation, reason)) waitUntil(revokeEnded(record.tokens))
    },
  })
  const context = { ...env, issuedBy, refresher, responseLimitBytes: resolved.tokenResponseLimitBytes, dpop }
  const logOutContext: LogOutContext = {
    ...env,
    log,
    issuedBy,
    credentials,
    revoke:
      oidc &&
      ((tokens: SessionTokens) =>
        oidc.revoke(tokens.refreshToken ?? tokens.accessToken, dpop ? tokens.dpopKey : undefined)),
  }
  const notes: SetupNotes = { unexposed: new Set() }
  // Built once: the API path is the worker's per-request hot path.
  const apiContext = {
    notes,
    ...context,
    log,
    credentials,
    api: resolved.api,
    refreshAheadSeconds: resolved.refreshAheadSeconds,
    replayBodyLimitBytes: resolved.replayBodyLimitBytes,
    stepUpNotices: new StepUpNotices({ ...env, log }),
  }

  // RP-Initiated Logout: the page navigates here and the worker answers with the redirect to the
  // provider, so no page script ever holds the ID token it carries (not even inside a URL).
  const endSessionPage = oidc && new URL('sw-token-proxy/end-session', env.scope ?? `${env.origin}/`)

  /** The one matching step, for requests (`route`) and `explain()` alike. */
  function decide(request: Pick<Request, 'mode' | 'headers'>, url: URL): Decided {
    if (
      endSessionPage &&
      request.mode === 'navigate' &&
      url.origin === endSessionPage.origin &&
      url.pathname === endSessionPage.pathname
    )
      return { role: 'end-session' }
    return matchRequest(request, url, resolved)
  }

  function route(request: Request, url = new URL(request.url)): ProxyRoute | undefined {
    const decided = decide(request, url)
    // An API request's decision is its `token` (or `no-token`) event, once its token is known.
    if (log.enabled && (typeof decided === 'string' || decided.role !== 'api'))
      log.record(requestDecision(request.method, url, decided, resolved.api, env.origin))
    return typeof decided === 'string' ? undefined : decided
  }

  const ownedUrls = {
    api: resolved.api,
    endpoints: [...resolved.tokenEndpoints, ...(resolved.logout ? [resolved.logout] : [])],
    ...(endSessionPage && { navigations: [endSessionPage] }),
  }

  /** `waitUntil`: keeps the worker alive for a revocation, when the clock ends the session here. */
  async function status(waitUntil?: WaitUntil): Promise<SessionStatus> {
    const session = await refresher.usable(await env.store.reload())
    if (!session || !(await clock.check(session, waitUntil))) return { authenticated: false, expiresAt: null }
    const { tokens } = session
    const claims = decodeClaims(tokens.idToken ?? tokens.accessToken)
    return { authenticated: true, expiresAt: tokens.expiresAt, ...(claims && { claims }), ...clock.statusOf(session) }
  }

  return {
    route,
    roleOf(request, url) {
      const decided = decide(request, url)
      return typeof decided === 'string' ? undefined : decided.role
    },
    ownedUrls,

    async handle(request, route, waitUntil) {
      try {
        switch (route.role) {
          case 'api':
            // Every use of the session is checked against its clock and moves its idle deadline.
            await clock.checkActive(await env.store.current(), waitUntil)
            return await (cache && isCached(route.api)
              ? cache.answer(
                  request,
                  route.api,
                  () => proxyApiRequest(request, route.api, apiContext, waitUntil),
                  waitUntil,
                )
              : proxyApiRequest(request, route.api, apiContext, waitUntil))
          case 'token-endpoint':
            return await captureTokenResponse(request, context)
          case 'logout':
            return await (
              await logOut(logOutContext, request)
            ).response
          case 'end-session': {
            if (!oidc) return Response.error()
            const state = new URL(request.url).searchParams.get('state') ?? ''
            return Response.redirect(await oidc.endSessionRedirect(state), 302)
          }
        }
      } catch (error) {
        if (!(error instanceof TokenProxyError)) throw error
        env.warn(error.message)
        return Response.json(
          { error: 'token_proxy_error', code: error.code, error_description: error.message },
          { status: 503 },
        )
      }
    },

    status,

    async stayActive(waitUntil = () => undefined) {
      const session = await refresher.usable(await env.store.reload())
      if (session) await clock.checkActive(session, waitUntil, { saveNow: true })
      return status(waitUntil)
    },

    async signIn(returnTo, requirement = {}) {
      if (!oidc) throw notConfigured('start a sign-in')
      return oidc.beginSignIn(returnTo, requirement)
    },

    async completeSignIn(callbackUrl) {
      if (!oidc) throw notConfigured('complete a sign-in')
      const { tokens, returnTo, dpopKey } = await oidc.completeSignIn(callbackUrl)
      // DPoP: the key that proved the code exchange becomes the session's, deleted with it.
      await startSession(tokens, context, dpopKey)
      return { returnTo }
    },

    async logout(waitUntil = () => undefined, endSession) {
      const request =
        resolved.logout &&
        new Request(resolved.logout, {
          method: 'POST',
          credentials: 'same-origin',
          signal: AbortSignal.timeout(timeoutMs),
        })
      const { response, ended } = await logOut(logOutContext, request)
      // Nobody reads this answer: the page was told once the session ended here.
      waitUntil(response.then((answer) => answer?.body?.cancel()).catch(() => undefined))
      if (!endSession) return undefined
      if (!oidc || !endSessionPage) throw notConfigured("end the provider's session")
      const state = await oidc.beginEndSession(ended?.idToken, endSession.postLogoutRedirectUri)
      const page = new URL(endSessionPage)
      page.searchParams.set('state', state)
      return { endSessionUrl: page.href }
    },

    notes,

    // Facts only, absent ones `undefined`: the page words them (and the worker stays small).
    async diagnose() {
      return {
        api: resolved.api.map((prefix) => prefix.origin + prefix.pathPrefix),
        staticRoutesRefused: notes.staticRoutesRefused,
        shadowed: notes.shadowed?.(),
        unexposed: [...notes.unexposed],
        issuer: await oidc?.checkIssuer?.(),
      }
    },

    async explain(asked) {
      const url = new URL(asked.url, env.origin)
      // Only whether it has its own Authorization is asked: its value never leaves the page.
      const headers = new Headers(asked.authorization ? { Authorization: '' } : undefined)
      const decided = decide({ mode: asked.mode, headers }, url)
      const context = { api: resolved.api, origin: env.origin, owned: ownedUrls, issuedBy }
      const explained = explanation(asked, url, decided, {
        ...context,
        record: await env.store.current(),
        now: env.now(),
      })
      // Workbox: the app's router may hand the request to a route of its own (`addTokenProxyRoutes`).
      return notes.explained?.(explained, url) ?? explained
    },

    followDecisions: (clientId, on) => log.follow(clientId, on),

    completeLogout(callbackUrl) {
      const state = new URL(callbackUrl).searchParams.get('state')
      return Promise.resolve({ endedAtProvider: !!oidc && state !== null && oidc.completeEndSession(state) })
    },
  }
}

function isCached(api: ApiPrefix): api is ApiPrefix & { cache: NonNullable<ApiPrefix['cache']> } {
  return api.cache !== undefined
}

/**
 * Who renews this worker's sessions: the OpenID provider, or the app's refresh endpoint; and what
 * every session started here records as its issuer (Policy 10: only that may renew it).
 */
function renewerFor(
  renewal: RenewalSource,
  fetch: typeof globalThis.fetch,
  createOidc: (plugin: OidcPlugin) => OidcSignIn,
  dpop: DpopSupport | undefined,
) {
  // DPoP: a DPoP session and a bearer session are not interchangeable, so turning
  // `dpop` on or off ends the stored session (`configuration_changed`) instead of sending its
  // tokens in a form the server refuses.
  const dpopMark = dpop ? ' dpop' : ''
  if (renewal.via === 'oidc') {
    const oidc = createOidc(renewal.plugin)
    return {
      oidc,
      issuedBy: `${oidc.issuedBy}${dpopMark}`,
      timeoutMs: oidc.timeoutMs,
      renew: (refreshToken: string, session: SessionTokens, target?: TokenTarget) =>
        oidc.refresh(refreshToken, { target, dpopKey: dpop ? session.dpopKey : undefined }),
    }
  }
  const { endpoint } = renewal
  const issuedBy = `refresh ${endpoint.url.href}${endpoint.clientId === undefined ? '' : ` client_id=${endpoint.clientId}`}${dpopMark}`
  const renew = (refreshToken: string, session: SessionTokens, target?: TokenTarget) =>
    dpop && session.dpopKey
      ? dpop.refresh(endpoint, refreshToken, session.dpopKey, target)
      : requestRefresh(fetch, endpoint, refreshToken, target)
  return { oidc: undefined, issuedBy, renew, timeoutMs: endpoint.timeoutMs }
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
