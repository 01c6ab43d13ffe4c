import type { NearestPrefix, PassReason, TokenProxyExplanation } from '../protocol/decisions.js'
import type { RequestPayloads } from '../protocol/messages.js'
import { apiTokenKind } from './apiTokens.js'
import type { Decision } from './decisionLog.js'
import { longestMatch, nearestPrefix, type UrlPrefix } from './requestMatching.js'
import { staticRoutes, type OwnedUrls, type RouterCondition } from './staticRoutes.js'
import type { ApiPrefix } from './tokenTarget.js'
import { isLive, type SessionRecord } from './tokenStore.js'

/** What the one matching step decided (`TokenProxy.route` before it drops the reason of a pass). */
export type Decided =
  { role: 'api'; api: ApiPrefix } | { role: 'token-endpoint' | 'logout' | 'end-session' } | PassReason

/** A URL as the decision log names it: path and query on the worker's origin, else the whole URL. */
export function urlLabel(url: string, origin: string): string {
  return url.startsWith(`${origin}/`) ? url.slice(origin.length) : url
}

/** An `api` entry as the log names it: its prefix (`/api/`), with its origin when another. */
export function apiLabel(prefix: UrlPrefix, origin: string): string {
  return urlLabel(prefix.origin + prefix.pathPrefix, origin)
}

/** The token an entry gets, as the log names it: `'session'`, or its target (Policy 11). */
export const tokenLabel = (api: ApiPrefix): string => api.target?.key ?? 'session'

/** For a URL on no prefix: the nearest one as the log names it, and why the URL is not on it. */
function nearestOf(url: URL, api: readonly ApiPrefix[], origin: string): NearestPrefix | undefined {
  const near = nearestPrefix(url, api)
  return near && { api: apiLabel(near.prefix, origin), why: near.why }
}

/**
 * The `request` or `passed` event of one matching decision (the log is on: built only then). An
 * API request has none: its `token` or `no-token` event names its `api` entry.
 */
export function requestDecision(
  method: string,
  url: URL,
  decided: Exclude<Decided, { role: 'api' }>,
  api: readonly ApiPrefix[],
  origin: string,
): Extract<Decision, { type: 'request' | 'passed' }> {
  const where = { method, url: urlLabel(url.href, origin) }
  if (typeof decided !== 'string') return { type: 'request', ...where, role: decided.role }
  const nearest = decided === 'not-on-a-prefix' ? nearestOf(url, api, origin) : undefined
  return { type: 'passed', ...where, why: decided, ...(nearest && { nearest }) }
}

/** What `explain()` answers, from the decision of the one matching step and the stored session. */
export function explanation(
  asked: RequestPayloads['EXPLAIN'],
  url: URL,
  decided: Decided,
  context: {
    api: readonly ApiPrefix[]
    origin: string
    owned: OwnedUrls
    record: SessionRecord
    issuedBy: string
    now: number
  },
): TokenProxyExplanation {
  const { api: prefixes, origin } = context
  const nearest = decided === 'not-on-a-prefix' ? nearestOf(url, prefixes, origin) : undefined
  const api =
    typeof decided === 'string' ? longestMatch(url, prefixes) : decided.role === 'api' ? decided.api : undefined
  const role = typeof decided === 'string' ? 'passed' : decided.role
  // The logout request goes out with the ended session's own token, as an API request with its entry's.
  const attachesToken = role === 'api' || role === 'logout'
  const session =
    isLive(context.record) && context.record.tokens.issuedBy === context.issuedBy ? context.record : undefined
  const held = session && apiTokenKind(role === 'api' ? api?.target : undefined).held(session)
  const staticRoute =
    typeof URLPattern === 'function' ? routeOf(staticRoutes(context.owned), asked.mode, url.href) : undefined
  return {
    url: urlLabel(url.href, origin),
    method: asked.method,
    mode: asked.mode,
    role,
    ...(typeof decided === 'string' && { why: decided }),
    ...(api && { api: apiLabel(api, origin) }),
    ...(nearest && { nearest }),
    attachesToken,
    ...(attachesToken && {
      token: {
        for: role === 'api' && api ? tokenLabel(api) : 'session',
        held: held !== undefined,
        secondsLeft: held?.expiresAt == null ? null : Math.round((held.expiresAt - context.now) / 1000),
      },
    }),
    ...(staticRoute && { staticRoute }),
  }
}

/** Evaluates the declared static rules themselves (Policy 12), in order, as the browser does. */
function routeOf(rules: ReturnType<typeof staticRoutes>, mode: string, url: string): 'network' | 'fetch-event' {
  const matches = (condition: RouterCondition): boolean =>
    'requestMode' in condition
      ? condition.requestMode === mode
      : 'urlPattern' in condition
        ? new URLPattern(condition.urlPattern).test(url)
        : 'or' in condition
          ? condition.or.some(matches)
          : !matches(condition.not)
  return rules.find((rule) => matches(rule.condition))?.source ?? 'fetch-event'
}
