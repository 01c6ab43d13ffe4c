import type { TokenProxyDecision } from '../protocol/decisions.js'
import type { BroadcastType } from '../protocol/messages.js'
import { createTokenProxy, type TokenProxyEnvironment, type WaitUntil } from './createTokenProxy.js'
import type { DecisionLog } from './decisionLog.js'
import type { TokenProxyOptions } from './glossary.js'
import { noLocks } from './SessionRefresher.js'
import { TokenStore } from './tokenStore.js'

/**
 * `createTokenProxy` over fakes for unit tests (not shipped: only tests import it). The test gives
 * the origin and its scripted `fetch`; the rest defaults to a fresh store (a random database name),
 * no locks, a broadcast that records the message types, a fixed clock and silenced warnings, each
 * replaceable through `environment` (`broadcasts` stays empty when the test brings its own
 * `broadcast`). `handle` answers a request as the worker's fetch listener does, and throws for one
 * the proxy does not own.
 */
export function proxyOverFakes(
  options: TokenProxyOptions,
  environment: Pick<TokenProxyEnvironment, 'origin' | 'fetch'> & Partial<TokenProxyEnvironment>,
) {
  const broadcasts: BroadcastType[] = []
  const env: TokenProxyEnvironment = {
    ...environment,
    store: environment.store ?? new TokenStore(`test-proxy-${crypto.randomUUID()}`),
    locks: environment.locks ?? noLocks,
    broadcast: environment.broadcast ?? ((type) => (broadcasts.push(type), Promise.resolve())),
    now: environment.now ?? (() => 1_000_000),
    warn: environment.warn ?? (() => undefined),
  }
  const proxy = createTokenProxy(options, env)
  function handle(request: Request, waitUntil: WaitUntil = () => undefined): Promise<Response> {
    const route = proxy.route(request)
    if (!route) throw new Error(`not routed: ${request.url}`)
    return proxy.handle(request, route, waitUntil)
  }
  return { proxy, handle, broadcasts, store: env.store }
}

/**
 * A decision log that is always on and keeps what it was given, stamped with `now()`, in order
 * (not shipped: only tests import it). Pass `log` in the environment.
 */
export function collectDecisions(now: () => number = () => 1_000_000) {
  const decisions: TokenProxyDecision[] = []
  const log: DecisionLog = {
    enabled: true,
    record: (decision) => void decisions.push({ ...decision, at: now() }),
    follow: () => undefined,
  }
  return { log, decisions }
}
