import { ErrorCode, TokenProxyError, formatMessage } from '../protocol/errors.js'
import { parseUrlPrefix, type UrlPrefix } from './matchApiRequest.js'
import type { OidcPlugin } from './oidc/OidcSignIn.js'
import type { RefreshEndpoint } from './requestRefresh.js'

/** What `installTokenProxy` accepts. Paths are resolved against the worker's origin. */
export interface TokenProxyOptions {
  /**
   * Who gets the token: same-origin path prefixes (`'/api/'`) or absolute URL prefixes for other
   * origins (`'https://api.example.com/v1/'`). Matched on the parsed URL, on segment boundaries.
   */
  api: string[]
  /** Endpoints whose 2xx JSON responses carry tokens to keep (login, OAuth `/token`). Default none. */
  tokenEndpoints?: string[]
  /**
   * Sign in with an OpenID Connect provider (authorization code + PKCE), configured from its
   * discovery document: `oidc: openIdConnect({ issuer, clientId, redirectUri })` from
   * `sw-token-proxy/sw/oidc`. Replaces `refresh`: the worker renews with the provider's grant.
   */
  oidc?: OidcPlugin
  /** The refresh endpoint; required unless `oidc` is given. */
  refresh?: {
    url: string
    /** `'oauth2'` (default): RFC 6749 refresh grant, form-encoded. `'json'`: `{ "refresh_token": … }`. */
    format?: 'oauth2' | 'json'
    /** Sent as `client_id` with the `oauth2` format. */
    clientId?: string
    /** A refresh that has not answered after this long counts as a transient failure. Default 10 000. */
    timeoutMs?: number
  }
  /** Forwarded with the token, then the session is cleared and every tab told. */
  logout?: string
  /** Renew when a request arrives this close to expiry (capped at half the lifetime). Default 30. */
  refreshAheadSeconds?: number
  /** Request bodies up to this size are copied so that a 401 can be replayed. Default 10 MiB. */
  replayBodyLimitBytes?: number
  /** Token responses larger than this are rejected unread. Default 256 KiB. */
  tokenResponseLimitBytes?: number
}

export interface ResolvedOptions {
  api: UrlPrefix[]
  tokenEndpoints: URL[]
  refresh: RefreshEndpoint | undefined
  oidc: OidcPlugin | undefined
  timeoutMs: number
  tokenResponseLimitBytes: number
  logout: URL | undefined
  refreshAheadSeconds: number
  replayBodyLimitBytes: number
}

export function invalid(why: string): never {
  throw new TokenProxyError(
    ErrorCode.INVALID_OPTIONS,
    formatMessage('install the token proxy', why, 'Fix the options passed to installTokenProxy()'),
  )
}

export function endpoint(value: unknown, name: string, origin: string): URL {
  if (typeof value !== 'string' || value === '') invalid(`"${name}" must be a URL or a path, got ${typeof value}`)
  const url = new URL(value, origin)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') invalid(`"${name}" must be an http(s) URL`)
  return url
}

function nonNegative(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) invalid(`"${name}" must be a non-negative number`)
  return value
}

export function resolveOptions(options: TokenProxyOptions, origin: string): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalid('no options were given')
  if (!Array.isArray(options.api) || options.api.length === 0) invalid('"api" must list at least one URL prefix')
  const tokenEndpoints = options.tokenEndpoints ?? []
  if (!Array.isArray(tokenEndpoints)) invalid('"tokenEndpoints" must be an array')
  if (options.oidc !== undefined && typeof options.oidc?.create !== 'function') invalid('"oidc" must be made with openIdConnect() from sw-token-proxy/sw/oidc')
  if (options.refresh === undefined && options.oidc === undefined) invalid('give "refresh" (a refresh endpoint) or "oidc" (an OpenID Connect provider)')
  if (options.refresh !== undefined && (typeof options.refresh !== 'object' || options.refresh === null)) invalid('"refresh" must be an object with a "url"')
  const format = options.refresh?.format ?? 'oauth2'
  if (format !== 'oauth2' && format !== 'json') invalid('"refresh.format" must be "oauth2" or "json"')
  const timeoutMs = nonNegative(options.refresh?.timeoutMs, 'refresh.timeoutMs', 10_000) || 10_000
  const responseLimitBytes = nonNegative(options.tokenResponseLimitBytes, 'tokenResponseLimitBytes', 256 * 1024)

  const api = options.api.map((prefix, index) => {
    if (typeof prefix !== 'string') invalid(`"api[${index}]" must be a string`)
    try {
      return parseUrlPrefix(prefix, origin)
    } catch (error) {
      invalid(`"api[${index}]" ${error instanceof Error ? error.message : 'is not a URL prefix'}`)
    }
  })

  return {
    api,
    tokenEndpoints: tokenEndpoints.map((url, index) => endpoint(url, `tokenEndpoints[${index}]`, origin)),
    refresh: options.refresh && {
      url: endpoint(options.refresh.url, 'refresh.url', origin),
      format,
      clientId: options.refresh.clientId,
      timeoutMs,
      responseLimitBytes,
    },
    oidc: options.oidc,
    timeoutMs,
    tokenResponseLimitBytes: responseLimitBytes,
    logout: options.logout === undefined ? undefined : endpoint(options.logout, 'logout', origin),
    refreshAheadSeconds: nonNegative(options.refreshAheadSeconds, 'refreshAheadSeconds', 30),
    replayBodyLimitBytes: nonNegative(options.replayBodyLimitBytes, 'replayBodyLimitBytes', 10 * 1024 * 1024),
  }
}

