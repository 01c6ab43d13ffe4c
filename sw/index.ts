/**
 * `sw-token-proxy/sw`: the service-worker side. Import it in your worker script and call
 * `installTokenProxy(options)` once.
 */
export { installTokenProxy } from './installTokenProxy'
export type { TokenProxyOptions } from './resolveOptions'
export type { OidcPlugin } from './OidcSignIn'
export type { TokenProxy } from './createTokenProxy'
export { ErrorCode, TokenProxyError } from '../protocol/errors'
export type { BroadcastMessage, BroadcastType, BroadcastPayloads, SessionStatus } from '../protocol/messages'
