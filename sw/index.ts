/**
 * `sw-token-proxy/sw`: the service-worker side. Import it in your worker script and call
 * `installTokenProxy(options)` once.
 */
export { installTokenProxy } from './installTokenProxy.js'
export type { TokenProxyOptions } from './resolveOptions.js'
export type { OidcPlugin } from './OidcSignIn.js'
export type { TokenProxy } from './createTokenProxy.js'
export { ErrorCode, TokenProxyError } from '../protocol/errors.js'
export type { BroadcastMessage, BroadcastType, BroadcastPayloads, SessionStatus } from '../protocol/messages.js'
