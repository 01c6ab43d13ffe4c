/**
 * The public types of `sw-token-proxy/sw`, declared here rather than inferred from the code that
 * implements them, so that what users write against changes only on purpose.
 */
import type { Router } from 'workbox-routing'
import type { ApiCacheEnvironment, ApiCacheStrategies } from './apiCachePlugin.js'
import type { OidcEnvironment, OidcSignIn } from './oidcPlugin.js'

/**
 * An `api` entry that names what its tokens are for (Policy 11). The worker keeps one access
 * token per distinct `resource`/`audience`/`scope`, minted from the session's one refresh token,
 * and sends it only to URLs whose longest matching prefix is this entry. Entries naming the same
 * ones share one token; an entry naming none uses the login's own token, like a string entry.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2 RFC 8707 §2, the `resource` parameter
 * @see docs/behaviour.md, Policy 11 (many APIs, one refresh token)
 */
export interface ApiResource {
  /** Same rules as a string entry: a path, or an absolute URL prefix on another origin. */
  prefix: string
  /** RFC 8707 resource indicator (an absolute URI), sent as `resource` with the refresh grant. */
  resource?: string
  /** Sent as `audience` with the refresh grant, for servers that name APIs that way. */
  audience?: string
  /**
   * Sent as `scope` with the refresh grant: space-separated scopes for this API's token, within
   * those the login was granted.
   *
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-6 RFC 6749 §6, `scope` on a refresh grant
   */
  scope?: string
  /**
   * Keeps this API's `GET` answers for offline use, per login: `'network-first'` answers from the
   * network and, when the network fails, from the last `200` this login got for that URL;
   * `'stale-while-revalidate'` answers from that copy at once and refreshes it in the background.
   * Only `200` answers are kept (never a 401), under the URL alone (no request header, so no token,
   * is written to CacheStorage), in a cache of the login that fetched them, served to that login
   * only, and deleted at every end of the session (logout, refused refresh, another login, a
   * configuration change) before any tab hears of it. Default: no cache. Needs the cache's
   * strategies, which only workers that cache ship: pass `apiCache: apiCache()` from
   * `sw-token-proxy/sw/cache` to `installTokenProxy()`; without it, an entry with a `cache` fails
   * the worker's install (`ERR_INVALID_OPTIONS`).
   *
   * @see docs/behaviour.md, Policy 15 (a per-login API cache)
   */
  cache?: ApiCacheStrategy
}

/** How an `api` entry's `GET` answers are kept for offline use (see {@link ApiResource.cache}). */
export type ApiCacheStrategy = 'network-first' | 'stale-while-revalidate'

/** A string entry uses the session's own access token; an object entry may name its own. */
export type ApiEntry = string | ApiResource

/** Options every token proxy takes. Paths are resolved against the worker's origin. */
export interface CommonOptions {
  /**
   * Who gets the token: same-origin path prefixes (`'/api/'`) or absolute URL prefixes for other
   * origins (`'https://api.example.com/v1/'`). Matched on the parsed URL, on segment boundaries;
   * when several match, the longest wins. An entry may be an object naming the resource, audience
   * or scopes its own access token is for (see {@link ApiResource}). Only `cors` and
   * `same-origin` requests without their own `Authorization` get the token.
   *
   * @see docs/behaviour.md, Policy 1 (who gets a token) and Policy 11 (the longest prefix wins)
   */
  api: ApiEntry[]
  /**
   * Endpoints whose 2xx JSON responses carry tokens to keep (login, OAuth `/token`): paths, or
   * absolute URLs on another origin (which must allow the app's origin with CORS). Default none.
   * The tokens are kept in the worker; the page gets the same answer without `access_token`,
   * `refresh_token` and `id_token`, or a `502` when the answer is not a valid token response.
   *
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1 RFC 6749 §5.1, the token response
   */
  tokenEndpoints?: string[]
  /**
   * Forwarded with the ended session's token after the session is cleared and every tab told
   * (`session-ended`), so a browser closed mid-logout comes back logged out. A path or a URL.
   */
  logout?: string
  /**
   * Renew when a request arrives this close to expiry, in seconds (capped at half the token's
   * lifetime, so a short-lived token is not renewed on every request). Default 30.
   */
  refreshAheadSeconds?: number
  /**
   * Request bodies up to this many bytes are copied so that a 401 can be replayed with the same
   * body; a larger one is sent once, unbuffered, and its 401 reaches the page. `0`: never copy (for
   * live streaming uploads). Default 10 MiB.
   */
  replayBodyLimitBytes?: number
  /**
   * Token responses larger than this many bytes are rejected unread (`ERR_INVALID_TOKEN_RESPONSE`,
   * the stored tokens kept). Default 256 KiB.
   */
  tokenResponseLimitBytes?: number
  /**
   * DPoP (RFC 9449): each session gets a non-extractable P-256 key made in the worker, every
   * token-endpoint, refresh, API and logout request carries a proof signed with it, and a
   * `token_type: DPoP` answer is accepted. Tokens stolen from this browser are then useless
   * elsewhere. Works with a `refresh` endpoint and with `oidc` (the key is made at `signIn()` and
   * binds the code), and for the APIs with their own `resource`/`audience`/`scope` tokens too.
   * Needs servers that support DPoP, and the DPoP build of the worker: import `installTokenProxy`
   * (or `addTokenProxyRoutes`) from `sw-token-proxy/sw/dpop`, so that workers without DPoP do not
   * ship it. Default false. Turning it on or off ends a stored session (`configuration_changed`).
   *
   * @see https://www.rfc-editor.org/rfc/rfc9449 RFC 9449, OAuth 2.0 Demonstrating Proof of Possession
   */
  dpop?: boolean
  /**
   * The per-login API cache's strategies, for the `api` entries that name a `cache`:
   * `apiCache()` from `sw-token-proxy/sw/cache`, so that workers that do not cache do not ship
   * them. Required when an entry has a `cache`.
   *
   * @see docs/behaviour.md, Policy 15 (a per-login API cache)
   */
  apiCache?: ApiCachePlugin
  /**
   * The session clock: limits on every session beyond its tokens' lifetimes, kept once for every
   * tab. A session also ends when its refresh token's own lifetime runs out
   * (`refresh_expires_in`, `refresh_token_expires_in`, or a JWT refresh token's `exp`), with or
   * without these options.
   *
   * @see docs/behaviour.md, Policy 16 (the session clock)
   */
  session?: SessionOptions
  /**
   * Dev only: turns the decision log on from the worker's start, for every window of the scope
   * (a page gets the decisions with `proxy.on('decision')`, and prints them with
   * `registerTokenProxy({ debug: true })`). Without it the log is off until a tab asks for it,
   * and costs nothing. No decision ever carries a token. Default false.
   *
   * @see docs/guides/troubleshooting.md, "See what the worker decided"
   */
  debug?: boolean
}

/**
 * Limits on every session (Policy 16, docs/behaviour.md). Each end is the same as a refused
 * refresh: the tokens are cleared, every tab hears `session-expired` once with the reason, and a
 * browser closed meanwhile comes back logged out.
 */
export interface SessionOptions {
  /**
   * The ceiling: a session ends this many seconds after its sign-in (the ID token's `auth_time`
   * where it has one, else the login), however active. A provider's own `session_expiry` claim in
   * an ID token is honoured too. A whole number of seconds. Default: none.
   */
  maxSeconds?: number
  /**
   * The idle timeout: a session ends after this many seconds with no activity in any tab. Activity
   * is any API request through the worker, `proxy.stayActive()`, and the input that
   * `proxy.reportActivity()` reports. A whole number of seconds. Default: none.
   */
  idleSeconds?: number
  /** Every tab hears `session-expiring` this many seconds before an end. Default 60. */
  warnBeforeSeconds?: number
}

/**
 * A refresh endpoint of the app's own auth server. A `400`/`401` answer ends the session; any
 * other failure keeps it and backs off (Policy 6, docs/behaviour.md).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6 RFC 6749 §6, refreshing an access token
 */
export interface RefreshOptions {
  /** A path, or an absolute URL on another origin (which must allow the app's origin with CORS). */
  url: string
  /**
   * `'oauth2'` (default): RFC 6749 §6 refresh grant, form-encoded
   * (`grant_type=refresh_token&refresh_token=…`). `'json'`: a JSON body `{ "refresh_token": … }`.
   * Either way the answer is read as a token response (RFC 6749 §5.1, or the plain JSON style).
   */
  format?: 'oauth2' | 'json'
  /**
   * Sent as `client_id` with the `oauth2` format (a public client, RFC 6749 §2.1). Part of what
   * the session records as its issuer: changing it ends stored sessions.
   */
  clientId?: string
  /**
   * A refresh that has not answered after this long counts as a passing failure; the logout
   * request gets the same deadline. A positive number of milliseconds. Default 10 000.
   */
  timeoutMs?: number
}

/**
 * What `installTokenProxy` accepts: how to renew the session is either a refresh endpoint
 * (`refresh`) or an OpenID Connect provider (`oidc: openIdConnect({ issuer, clientId,
 * redirectUri })` from `sw-token-proxy/sw/oidc`, which has its own `timeoutMs`), never both.
 */
export type TokenProxyOptions = CommonOptions &
  (
    | {
        /** Renew with the app's own refresh endpoint (an RFC 6749 §6 refresh grant, or JSON). */
        refresh: RefreshOptions
        /** Not with `refresh`: a worker renews one way. */
        oidc?: never
      }
    | {
        /** Sign in and renew with an OpenID Connect provider: `openIdConnect({ … })`. */
        oidc: OidcPlugin
        /** Not with `oidc`: a worker renews one way. */
        refresh?: never
      }
  )

/**
 * An OpenID Connect provider for `installTokenProxy({ oidc })`, made by `openIdConnect()` from
 * `sw-token-proxy/sw/oidc`. Opaque: how the worker and the plug-in talk is internal.
 */
export interface OidcPlugin {
  /** Always `'openid-connect'`: what the worker checks the `oidc` option is. */
  readonly kind: 'openid-connect'
  /** @internal */
  create(environment: OidcEnvironment): OidcSignIn
}

/**
 * The per-login API cache for `installTokenProxy({ apiCache })`, made by `apiCache()` from
 * `sw-token-proxy/sw/cache`. Opaque: how the worker and the plug-in talk is internal.
 */
export interface ApiCachePlugin {
  /** Always `'api-cache'`: what the worker checks the `apiCache` option is. */
  readonly kind: 'api-cache'
  /** @internal */
  create(environment: ApiCacheEnvironment): ApiCacheStrategies
}

/** Where `addTokenProxyRoutes` puts the proxy's routes. */
export interface TokenProxyRoutesOptions {
  /**
   * A workbox-routing `Router` of the app's own, which must have its fetch listener
   * (`router.addFetchListener()`). Default: Workbox's default router, the one `registerRoute()`
   * and `precacheAndRoute()` use.
   */
  router?: Router
}
