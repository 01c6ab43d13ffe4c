/**
 * `sw-token-proxy/sw/dpop`: the worker with DPoP (RFC 9449). The same `installTokenProxy` and
 * `addTokenProxyRoutes` as `sw-token-proxy/sw`, in a build that can honour `dpop: true`, so that
 * workers without DPoP do not ship its keys, proofs and nonces.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449 RFC 9449, OAuth 2.0 Demonstrating Proof of Possession
 *
 * @example
 * ```ts
 * import { installTokenProxy } from 'sw-token-proxy/sw/dpop'
 *
 * installTokenProxy({
 *   api: ['/api/'],
 *   tokenEndpoints: ['/auth/login'],
 *   refresh: { url: '/auth/refresh' },
 *   dpop: true,
 * })
 * ```
 */
import { addTokenProxyRoutesWith } from '../addTokenProxyRoutes.js'
import type { TokenProxyOptions, TokenProxyRoutesOptions } from '../glossary.js'
import { installTokenProxyWith } from '../installTokenProxy.js'
import { DpopSender } from './DpopSender.js'

const withDpop = { dpop: (environment: ConstructorParameters<typeof DpopSender>[0]) => new DpopSender(environment) }

/**
 * {@link installTokenProxy} of `sw-token-proxy/sw`, able to honour `dpop: true`: each session gets
 * a non-extractable P-256 key, and every token-endpoint, refresh, API and logout request carries a
 * proof signed with it; `use_dpop_nonce` challenges are answered once.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4 RFC 9449 §4, DPoP proofs
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8 RFC 9449 §8 and §9, server-provided nonces
 */
export function installTokenProxy(options: TokenProxyOptions): void {
  installTokenProxyWith(options, withDpop)
}

/**
 * {@link addTokenProxyRoutes} of `sw-token-proxy/sw`, able to honour `dpop: true`, for a Workbox
 * worker the app already has.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449 RFC 9449, OAuth 2.0 Demonstrating Proof of Possession
 */
export function addTokenProxyRoutes(options: TokenProxyOptions, where: TokenProxyRoutesOptions = {}): void {
  addTokenProxyRoutesWith(options, where, withDpop)
}

export type * from '../index.js'
export { ErrorCode, TokenProxyError } from '../index.js'
