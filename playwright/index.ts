/**
 * `sw-token-proxy/playwright`: helpers and fixtures for testing apps that use the token proxy
 * with Playwright (Chromium). None of them reads a token or opens anything in the worker: they use
 * the DevTools protocol, Playwright's own view of the worker's network traffic, and the IndexedDB
 * record that any same-origin script can already reach (see SECURITY.md).
 */
export { test, expect, type TokenProxyFixtures } from './fixtures.ts'
export { hardReload, stopServiceWorker } from './browserControls.ts'
export { expireAccessToken } from './expireAccessToken.ts'
export { recordSessionEvents, sessionEvents, sessionEventTypes, type RecordedSessionEvent } from './sessionEvents.ts'
export { recordWorkerRequests, type WorkerRequest } from './workerRequests.ts'
export { sessionStatus, waitForTokenProxy, type SessionStatus } from './tokenProxyState.ts'
