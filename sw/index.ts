/**
 * `sw-token-proxy/sw`: the service-worker side. In your worker script, call
 * `installTokenProxy(options)` once; or, in a Workbox worker you already have,
 * `addTokenProxyRoutes(options)`.
 */
export { installTokenProxy } from './installTokenProxy.js'
export { addTokenProxyRoutes } from './addTokenProxyRoutes.js'
export type {
  ApiEntry,
  ApiCachePlugin,
  ApiCacheStrategy,
  ApiResource,
  CommonOptions,
  OidcPlugin,
  RefreshOptions,
  SessionOptions,
  TokenProxyOptions,
  TokenProxyRoutesOptions,
} from './glossary.js'
export { ErrorCode, TokenProxyError } from '../protocol/errors.js'
export type { SerializedError, SignInFailureReason } from '../protocol/errors.js'
export type {
  BroadcastMessage,
  BroadcastType,
  BroadcastPayloads,
  RefreshFailedReason,
  SessionClockReason,
  SessionExpiredReason,
  SessionExpiring,
  SessionStatus,
} from '../protocol/messages.js'
export type { StepUpRequirement } from '../protocol/stepUp.js'
