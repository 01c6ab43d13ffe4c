/// <reference lib="webworker" />
import { TokenProxyError } from '../protocol/errors.js'
import {
  MESSAGE_SOURCE,
  isRequestMessage,
  type Reply,
  type RequestType,
  type WorkerErrorMessage,
} from '../protocol/messages.js'
import { answerRequest } from './answerRequest.js'
import { createBroadcast } from './broadcast.js'
import { createDecisionLog } from './decisionLog.js'
import { createTokenProxy, type TokenProxy, type TokenProxyEnvironment } from './createTokenProxy.js'
import type { TokenProxyOptions } from './glossary.js'
import { noLocks } from './SessionRefresher.js'
import { TokenStore } from './tokenStore.js'

declare let self: ServiceWorkerGlobalScope

/**
 * What `installTokenProxy` and `addTokenProxyRoutes` share: the proxy over this worker's globals,
 * and the listener that answers the pages' messages. Routing requests to it (one fetch listener, or
 * the app's Workbox router) and the lifecycle (`skipWaiting`, `clients.claim`) are the caller's.
 * Listeners are added synchronously: a service worker only gets the events it listened for during
 * its first evaluation.
 *
 * Invalid options do not throw: the worker reports the error to the pages and fails its install,
 * so the previous worker (if any) keeps serving and no page is left with a proxy that does nothing.
 */
export function startTokenProxy(options: TokenProxyOptions, features: WorkerFeatures = {}): TokenProxy | undefined {
  const proxy = startProxy(options, features)
  if (proxy instanceof TokenProxyError) return refuseToStart(proxy)

  self.addEventListener('message', (event) => {
    if (!isRequestMessage(event.data)) return
    const port = event.ports[0]
    if (!port) return
    const waitUntil = (promise: Promise<unknown>) => event.waitUntil(promise)
    const from = (event.source as Partial<Client> | null)?.id
    waitUntil(
      answerRequest(proxy, event.data, () => self.clients.claim(), waitUntil, from).then((reply) =>
        port.postMessage(reply),
      ),
    )
  })
  return proxy
}

/** What a build of the worker adds to the core: DPoP in `sw-token-proxy/sw/dpop`. */
export type WorkerFeatures = Pick<TokenProxyEnvironment, 'dpop'>

function startProxy(options: TokenProxyOptions, features: WorkerFeatures): TokenProxy | TokenProxyError {
  const locks = 'locks' in self.navigator ? self.navigator.locks : undefined
  if (!locks) warn('Web Locks are not available: a refresh is single-flight in this worker only')
  const store = new TokenStore()
  // A stopped worker is started by a request that is waiting: read the session now, first thing as
  // the script evaluates, so the read runs while the options are checked and the proxy is built
  // rather than after that request arrives. A failure here is retried by that request.
  store.current().catch(() => undefined)
  try {
    const proxy = createTokenProxy(options, {
      origin: self.location.origin,
      scope: self.registration.scope,
      caches: self.caches,
      fetch: (input, init) => self.fetch(input, init),
      store,
      locks: locks ? { request: (name, callback) => locks.request(name, callback) } : noLocks,
      broadcast: createBroadcast(self.clients),
      now: () => Date.now(),
      warn,
      // Dev only: the worker option `debug: true` turns the decision log on for every window.
      log: createDecisionLog(self.clients, () => Date.now(), options.debug === true),
      ...features,
    })
    return proxy
  } catch (error) {
    if (error instanceof TokenProxyError) return error
    throw error
  }
}

/**
 * The options are unusable. Says so in this worker's console, tells every window of the scope
 * (their console shows it, and a page waiting in `registerTokenProxy()` rejects with it), answers
 * any page request with it, and fails the install.
 */
function refuseToStart(error: TokenProxyError): undefined {
  console.error(error.message)
  const report: WorkerErrorMessage = {
    source: MESSAGE_SOURCE,
    type: 'WORKER_ERROR',
    payload: { error: error.toJSON() },
  }
  self.addEventListener('install', (event) => {
    event.waitUntil(
      self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
        for (const client of windows) client.postMessage(report)
        throw error
      }),
    )
  })
  self.addEventListener('message', (event) => {
    if (!isRequestMessage(event.data)) return
    const reply: Reply<RequestType> = { ok: false, error: error.toJSON() }
    event.ports[0]?.postMessage(reply)
  })
  return undefined
}

function warn(message: string): void {
  console.warn(message.startsWith('[sw-token-proxy]') ? message : `[sw-token-proxy] ${message}.`)
}
