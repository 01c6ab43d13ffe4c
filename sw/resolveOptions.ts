import type { OidcPlugin, RefreshOptions, TokenProxyOptions } from './glossary.js'
import { endpoint, invalid, nonNegative, timeout } from './optionChecks.js'
import { parseUrlPrefix } from './requestMatching.js'
import type { RefreshEndpoint } from './requestRefresh.js'
import { tokenTarget, type ApiPrefix } from './tokenTarget.js'

/** How the worker renews a session. */
export type RenewalSource = { via: 'refresh-endpoint'; endpoint: RefreshEndpoint } | { via: 'oidc'; plugin: OidcPlugin }

/** The options as the worker uses them: validated, resolved against its origin, each value once. */
export interface ResolvedOptions {
  api: ApiPrefix[]
  tokenEndpoints: URL[]
  logout: URL | undefined
  renewal: RenewalSource
  tokenResponseLimitBytes: number
  refreshAheadSeconds: number
  replayBodyLimitBytes: number
  dpop: boolean
}

/** Validates the options once, at the worker's start; throws `ERR_INVALID_OPTIONS` naming the fix. */
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
  if (options.debug !== undefined && typeof options.debug !== 'boolean') invalid('"debug" must be true or false')
  if (options.apiCache !== undefined && typeof options.apiCache?.create !== 'function')
    invalid('"apiCache" must be made with apiCache() from sw-token-proxy/sw/cache')
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

const API_RESOURCE_KEYS = new Set(['prefix', 'resource', 'audience', 'scope', 'cache'])

function apiPrefix(entry: unknown, name: string, origin: string): ApiPrefix {
  const isObject = typeof entry === 'object' && entry !== null && !Array.isArray(entry)
  if (typeof entry !== 'string' && !isObject)
    invalid(`"${name}" must be a URL prefix string or an object { prefix, resource?, audience?, scope? }`)
  const fields = (isObject ? entry : { prefix: entry }) as Record<string, unknown>
  const unknown = Object.keys(fields).find((key) => !API_RESOURCE_KEYS.has(key))
  if (unknown !== undefined)
    invalid(`"${name}" has an unknown field "${unknown}" (known: prefix, resource, audience, scope, cache)`)
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
  const { cache } = fields
  if (cache !== undefined && cache !== 'network-first' && cache !== 'stale-while-revalidate')
    invalid(`"${name}.cache" must be "network-first" or "stale-while-revalidate"`)
  return { ...parsed, target: tokenTarget({ resource, audience, scope }), ...(cache !== undefined && { cache }) }
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
    timeoutMs: timeout(refresh.timeoutMs, 'refresh.timeoutMs', 10_000),
    responseLimitBytes,
  }
}
