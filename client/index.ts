/**
 * `sw-token-proxy/client`: the page side. Register the worker, listen for session events, ask for
 * the session's status, check the setup, log out, open a WebSocket as the signed-in user. Nothing here ever sees a
 * token.
 */
export { registerTokenProxy } from './registerTokenProxy.js'
export type {
  DecisionEvents,
  LogoutOptions,
  RegisterTokenProxyOptions,
  ReportActivityOptions,
  SessionEventName,
  SessionEvents,
  TokenProxyClient,
  TokenProxyEventName,
  TokenProxyEvents,
  TokenProxyStatus,
  WorkerEvents,
} from './registerTokenProxy.js'
export type { WorkerProblem } from './workerWatch.js'
export type { TokenProxyProblem, TokenProxyProblemCode } from './diagnose.js'
export { openAuthenticatedWebSocket, type OpenAuthenticatedWebSocketOptions } from './openAuthenticatedWebSocket.js'
export { TokenProxyUnsupportedError, type UnsupportedReason } from './TokenProxyUnsupportedError.js'
export { ErrorCode, TokenProxyError } from '../protocol/errors.js'
export type { SerializedError, SignInFailureReason } from '../protocol/errors.js'
export { MESSAGE_SOURCE, SESSION_EVENT_NAMES } from '../protocol/messages.js'
export type {
  DecidedRequest,
  ExplainedMode,
  LogoutDecision,
  NearestPrefix,
  NoTokenDecision,
  OffPrefixReason,
  PassedDecision,
  PassReason,
  RenewalDecision,
  RenewedDecision,
  ReplayDecision,
  RequestDecision,
  RequestRole,
  SessionEndDecision,
  StepUpDecision,
  TokenDecision,
  TokenProxyDecision,
  TokenProxyDecisionType,
  TokenProxyExplanation,
  UnauthorizedDecision,
} from '../protocol/decisions.js'
export type {
  RefreshFailedReason,
  SessionClockReason,
  SessionExpiredReason,
  SessionExpiring,
  SessionStatus,
} from '../protocol/messages.js'
export type { SignInOptions, StepUpRequirement } from '../protocol/stepUp.js'
