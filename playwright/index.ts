/**
 * `sw-token-proxy/playwright`: helpers and fixtures for testing apps that use the token proxy
 * with Playwright. None of them reads a token or opens anything in the worker: they use the
 * worker's ordinary `STATUS` message, the IndexedDB record that any same-origin script can already
 * reach (see SECURITY.md), and, in Chromium only, the DevTools protocol and Playwright's view of
 * the worker's network traffic.
 *
 * Every engine: `test`, `expect`, `waitForTokenProxy`, `sessionStatus`, `expireAccessToken`, `advanceSessionClock`,
 * `recordSessionEvents`, `sessionEvents`, `sessionEventTypes`. Chromium only: `stopServiceWorker`,
 * `hardReload`, `recordWorkerRequests` and the `workerRequests` fixture. Deprecated (answer the
 * wire types, as before 0.2.0; removed in 0.3.0): `legacySessionEvents`, `legacySessionEventTypes`.
 */
export { test, expect, type TokenProxyFixtures } from './fixtures.js'
export { hardReload, stopServiceWorker } from './browserControls.js'
export { expireAccessToken } from './expireAccessToken.js'
export { advanceSessionClock } from './advanceSessionClock.js'
export {
  recordSessionEvents,
  sessionEvents,
  sessionEventTypes,
  legacySessionEvents,
  legacySessionEventTypes,
  type RecordedSessionEvent,
} from './sessionEvents.js'
export { recordWorkerRequests, type WorkerRequest } from './workerRequests.js'
export {
  sessionStatus,
  waitForTokenProxy,
  type SessionClockReason,
  type SessionExpiring,
  type SessionStatus,
} from './tokenProxyState.js'
