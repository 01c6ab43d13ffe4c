import { ErrorCode, TokenProxyError, formatMessage } from '../protocol/errors.js'
import { parseUrlPrefix } from './requestMatching.js'
import type { OidcPlugin } from './oidcPlugin.js'
import type { RefreshEndpoint } from './requestRefresh.js'
import { tokenTarget, type ApiPrefix } from './tokenTarget.js'

/**
 * An `api` entry that names what its tokens are for (Policy 11). The worker keeps one access
 * token per distinct `resource`/`audience`/`scope`, minted from the session's one refresh token,
 * and sends it only to URLs whose longest matching prefix is this entry.
 */
export interface ApiResource {
  /** Same rules as a string entry: a path, or an absolute URL prefix on another origin. */
  prefix: string
  /** RFC 8707 resource indicator (an absolute URI), sent as `resource` with the refresh grant. */
  resource?: string
  /** Sent as `audience` with the refresh grant, for servers that name APIs that way. */
  audience?: string
  /** Sent as `scope` with the refresh grant: space-separated scopes for this API's token. */
  scope?: string
}

/** A string entry uses the session's own access token; an object entry may name its own. */
export type ApiEntry = string | ApiResource

/** Options every token proxy takes. Paths are resolved against the worker's origin. */
export interface CommonOptions {
  /**
   * Who gets the token: same-origin path prefixes (`'/api/'`) or absolute URL prefixes for other
   * origins (`'https://api.example.com/v1/'`). Matched on the parsed URL, on segment boundaries;
   * when several match, the longest wins. An entry may be an object naming the resource, audience
   * or scopes its own access token is for (see {@link ApiResource}).
   */
  api: ApiEntry[]
  /**
   * Endpoints whose 2xx JSON responses carry tokens to keep (login, OAuth `/token`): paths, or
   * absolute URLs on another origin (which must allow the app's origin with CORS). Default none.
   */
  tokenEndpoints?: string[]
  /** Forwarded with the token after the session is cleared and every tab told. A path or a URL. */
  logout?: string
  /** Renew when a request arrives this close to expiry (capped at half the lifetime). Default 30. */
  refreshAheadSeconds?: number
  /** Request bodies up to this size are copied so that a 401 can be replayed. Default 10 MiB. */
  replayBodyLimitBytes?: number
  /** Token responses larger than this are rejected unread. Default 256 KiB. */
  tokenResponseLimitBytes?: number
  /**
   * DPoP (RFC 9449): each session gets a non-extractable P-256 key made in the worker, every
   * token-endpoint, refresh, API and logout request carries a proof signed with it, and a
   * `token_type: DPoP` answer is accepted. Tokens stolen from this browser are then useless
   * elsewhere. Works with a `refresh` endpoint and with `oidc` (the key is made at `signIn()` and
   * binds the code), and for the APIs with their own `resource`/`audience`/`scope` tokens too.
   * Needs servers that support DPoP. Default false.
   */
  dpop?: boolean
}

/** A refresh endpoint of the app's own auth server. */
export interface RefreshOptions {
  /** A path, or an absolute URL on another origin (which must allow the app's origin with CORS). */
  url: string
  /** `'oauth2'` (default): RFC 6749 refresh grant, form-encoded. `'json'`: `{ "refresh_token": … }`. */
  format?: 'oauth2' | 'json'
  /** Sent as `client_id` with the `oauth2` format. */
  clientId?: string
  /** A refresh that has not answered after this long counts as a passing failure. Default 10 000. */
  timeoutMs?: number
}

/**
 * What `installTokenProxy` accepts: how to renew the session is either a refresh endpoint
 * (`refresh`) or an OpenID Connect provider (`oidc: openIdConnect({ issuer, clientId,
 * redirectUri })` from `sw-token-proxy/sw/oidc`, which has its own `timeoutMs`), never both.
 */
export type TokenProxyOptions = CommonOptions &
  ({ refresh: RefreshOptions; oidc?: never } | { oidc: OidcPlugin; refresh?: never })

/** How the worker renews a session. */
export type Renewal = { via: 'refresh-endpoint'; endpoint: RefreshEndpoint } | { via: 'oidc'; plugin: OidcPlugin }

/** The options as the worker uses them: validated, resolved against its origin, each value once. */
export interface ResolvedOptions {
  api: ApiPrefix[]
  tokenEndpoints: URL[]
  logout: URL | undefined
  renewal: Renewal
  tokenResponseLimitBytes: number
  refreshAheadSeconds: number
  replayBodyLimitBytes: number
  dpop: boolean
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
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    invalid(`"${name}" must be a non-negative number`)
  return value
}

export function resolveOptions(options: TokenProxyOptions, origin: string): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalid('no options were given')
  if (!Array.isArray(options.api) || options.api.length === 0) invalid('"api" must list at least one URL prefix')
  const tokenEndpoints = options.tokenEndpoints ?? []
  if (!Array.isArray(tokenEndpoints)) invalid('"tokenEndpoints" must be an array')
  if (options.oidc !== undefined && typeof options.oidc?.create !== 'function')
    invalid('"oidc" must be made with openIdConnect() from sw-token-proxy/sw/oidc')
  if (options.refresh === undefined && options.oidc === undefined)
    invalid('give "refresh" (a refresh endpoint) or "oidc" (an OpenID Connect provider)')
  if (options.refresh !== undefined && options.oidc !== undefined)
    invalid('give "refresh" or "oidc", not both: an OpenID Connect provider renews with its own token endpoint')
  if (options.refresh !== undefined && (typeof options.refresh !== 'object' || options.refresh === null))
    invalid('"refresh" must be an object with a "url"')
  if (options.dpop !== undefined && typeof options.dpop !== 'boolean') invalid('"dpop" must be true or false')
  const tokenResponseLimitBytes = nonNegative(options.tokenResponseLimitBytes, 'tokenResponseLimitBytes', 256 * 1024)

  const api = options.api.map((entry, index) => apiPrefix(entry, `api[${index}]`, origin))
  const seen = new Map<string, number>()
  api.forEach((prefix, index) => {
    const where = `${prefix.origin}${prefix.pathPrefix}`
    const earlier = seen.get(where)
    // Two entries for one prefix would make "which token goes there" depend on their order.
    if (earlier !== undefined)
      invalid(`"api[${earlier}]" and "api[${index}]" are the same prefix (${where}); list each prefix once`)
    seen.set(where, index)
  })
  return {
    api,
    tokenEndpoints: tokenEndpoints.map((url, index) => endpoint(url, `tokenEndpoints[${index}]`, origin)),
    logout: options.logout === undefined ? undefined : endpoint(options.logout, 'logout', origin),
    renewal: options.oidc
      ? { via: 'oidc', plugin: options.oidc }
      : { via: 'refresh-endpoint', endpoint: refreshEndpoint(options.refresh, origin, tokenResponseLimitBytes) },
    tokenResponseLimitBytes,
    refreshAheadSeconds: nonNegative(options.refreshAheadSeconds, 'refreshAheadSeconds', 30),
    replayBodyLimitBytes: nonNegative(options.replayBodyLimitBytes, 'replayBodyLimitBytes', 10 * 1024 * 1024),
    dpop: options.dpop === true,
  }
}

const API_RESOURCE_KEYS = new Set(['prefix', 'resource', 'audience', 'scope'])

function apiPrefix(entry: unknown, name: string, origin: string): ApiPrefix {
  const isObject = typeof entry === 'object' && entry !== null && !Array.isArray(entry)
  if (typeof entry !== 'string' && !isObject)
    invalid(`"${name}" must be a URL prefix string or an object { prefix, resource?, audience?, scope? }`)
  const fields = (isObject ? entry : { prefix: entry }) as Record<string, unknown>
  const unknown = Object.keys(fields).find((key) => !API_RESOURCE_KEYS.has(key))
  if (unknown !== undefined)
    invalid(`"${name}" has an unknown field "${unknown}" (known: prefix, resource, audience, scope)`)
  const { prefix } = fields
  if (typeof prefix !== 'string' || prefix === '')
    invalid(`"${name}${isObject ? '.prefix' : ''}" must be a non-empty string`)
  let parsed
  try {
    parsed = parseUrlPrefix(prefix, origin)
  } catch (error) {
    invalid(`"${name}" ${error instanceof Error ? error.message : 'is not a URL prefix'}`)
  }
  const resource = targetField(fields['resource'], `${name}.resource`)
  if (resource !== undefined && !isResourceIndicator(resource))
    invalid(`"${name}.resource" must be an absolute URI without a fragment (RFC 8707)`)
  const audience = targetField(fields['audience'], `${name}.audience`)
  const scope = targetField(fields['scope'], `${name}.scope`)
  if (scope !== undefined && !/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/.test(scope))
    invalid(`"${name}.scope" must be scope names separated by single spaces (RFC 6749 §3.3)`)
  return { ...parsed, target: tokenTarget({ resource, audience, scope }) }
}

function targetField(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  // Control characters would end up in a form body or a header: refused here, at install.
  if (typeof value !== 'string' || value === '' || hasControlCharacter(value))
    invalid(`"${name}" must be a non-empty string without control characters`)
  return value
}

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}

function isResourceIndicator(value: string): boolean {
  try {
    const url = new URL(value)
    return url.hash === '' && !value.includes('#')
  } catch {
    return false
  }
}

function refreshEndpoint(refresh: RefreshOptions, origin: string, responseLimitBytes: number): RefreshEndpoint {
  const format = refresh.format ?? 'oauth2'
  if (format !== 'oauth2' && format !== 'json') invalid('"refresh.format" must be "oauth2" or "json"')
  return {
    url: endpoint(refresh.url, 'refresh.url', origin),
    format,
    clientId: refresh.clientId,
    timeoutMs: nonNegative(refresh.timeoutMs, 'refresh.timeoutMs', 10_000) || 10_000,
    responseLimitBytes,
  }
}
