import type { UrlPrefix } from './requestMatching.js'

/**
 * What an access token is for, when an `api` entry names it (Policy 11): an RFC 8707 resource
 * indicator, an `audience` (the parameter Auth0-style servers take instead), and/or the scopes to
 * ask for. The worker keeps one access token per target, all minted from the session's one refresh
 * token; entries that name none of these use the session's own access token (the login's).
 */
export interface TokenTarget {
  /**
   * Identifies the target in the session record, the single flight and the logs: the parameters
   * in a fixed order (`resource=…&audience=…&scope=…`). Two entries naming the same parameters
   * share one token. Holds no secret.
   */
  key: string
  resource?: string
  audience?: string
  scope?: string
}

/** An `api` prefix as the worker uses it: where it matches, and which token it gets. */
export interface ApiPrefix extends UrlPrefix {
  /** `undefined`: the session's own access token. */
  target: TokenTarget | undefined
  /** Its `GET` answers kept per login for offline use; absent: none. */
  cache?: 'network-first' | 'stale-while-revalidate'
}

/** The target named by these parameters, or `undefined` when they name none. */
export function tokenTarget(parameters: {
  resource?: string | undefined
  audience?: string | undefined
  scope?: string | undefined
}): TokenTarget | undefined {
  const { resource, audience, scope } = parameters
  if (resource === undefined && audience === undefined && scope === undefined) return undefined
  const key = new URLSearchParams()
  if (resource !== undefined) key.set('resource', resource)
  if (audience !== undefined) key.set('audience', audience)
  if (scope !== undefined) key.set('scope', scope)
  return {
    key: key.toString(),
    ...(resource !== undefined && { resource }),
    ...(audience !== undefined && { audience }),
    ...(scope !== undefined && { scope }),
  }
}

/** The refresh-grant parameters that ask for a token for `target` (none for the session's own). */
export function targetParameters(target: TokenTarget | undefined): Record<string, string> {
  if (!target) return {}
  return {
    ...(target.resource !== undefined && { resource: target.resource }),
    ...(target.audience !== undefined && { audience: target.audience }),
    ...(target.scope !== undefined && { scope: target.scope }),
  }
}
