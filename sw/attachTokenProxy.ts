/// <reference lib="webworker" />
import { Route } from 'workbox-routing'
import type { HTTPMethod } from 'workbox-routing/utils/constants.js'
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
import { createTokenProxy, type RequestRole, type TokenProxy } from './createTokenProxy.js'
import type { TokenProxyOptions } from './resolveOptions.js'
import { noLocks } from './SessionRefresher.js'
import { TokenStore } from './tokenStore.js'

declare let self: ServiceWorkerGlobalScope

/** Workbox routes by method and defaults to GET; the token goes with every method (Policy 1). */
const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']
const ROUTED_METHODS: ReadonlySet<string> = new Set(METHODS)

/**
 * What `installTokenProxy` and `addTokenProxyRoutes` share: the proxy, its routes (given to
 * `registerRoute`, which puts them on a workbox-routing `Router`), a fetch listener for the methods
 * Workbox does not route, and the listener that answers the pages' messages. Lifecycle
 * (`skipWaiting`, `clients.claim`) is the caller's. Listeners are added synchronously: a service
 * worker only gets the events it listened for during its first evaluation.
 *
 * Invalid options do not throw: the worker reports the error to the pages and fails its install,
 * so the previous worker (if any) keeps serving and no page is left with a proxy that does nothing.
 */
export function attachTokenProxy(
  options: TokenProxyOptions,
  registerRoute: (route: Route) => void,
): TokenProxy | undefined {
  const proxy = startProxy(options)
  if (proxy instanceof TokenProxyError) return refuseToStart(proxy)

  for (const method of METHODS) {
    registerRoute(
      new Route(
        ({ url, request }) => proxy.roleOf(request, url),
        ({ request, event, params }) =>
          proxy.handle(request, params as unknown as Exclude<RequestRole, undefined>, (promise) =>
            (event as FetchEvent).waitUntil(promise),
          ),
        method,
      ),
    )
  }
  self.addEventListener('fetch', (event) => {
    if (ROUTED_METHODS.has(event.request.method)) return
    const response = handleOtherMethod(proxy, event)
    if (response) event.respondWith(response)
  })

  self.addEventListener('message', (event) => {
    if (!isRequestMessage(event.data)) return
    const port = event.ports[0]
    if (!port) return
    event.waitUntil(
      answerRequest(proxy, event.data, () => self.clients.claim()).then((reply) => port.postMessage(reply)),
    )
  })
  return proxy
}

function startProxy(options: TokenProxyOptions): TokenProxy | TokenProxyError {
  const locks = 'locks' in self.navigator ? self.navigator.locks : undefined
  if (!locks) warn('Web Locks are not available: a refresh is single-flight in this worker only')
  try {
    return createTokenProxy(options, {
      origin: self.location.origin,
      fetch: (input, init) => self.fetch(input, init),
      store: new TokenStore(),
      locks: locks ? { request: (name, callback) => locks.request(name, callback) } : noLocks,
      broadcast: createBroadcast(self.clients),
      now: () => Date.now(),
      warn,
    })
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

/**
 * Workbox only knows its six methods; `OPTIONS` and extension methods (WebDAV's `PROPFIND`…) get
 * the same decision and handling here, so every method is treated alike.
 */
function handleOtherMethod(proxy: TokenProxy, event: FetchEvent): Promise<Response> | undefined {
  const role = proxy.roleOf(event.request, new URL(event.request.url))
  return role && proxy.handle(event.request, role, (promise) => event.waitUntil(promise))
}

function warn(message: string): void {
  console.warn(message.startsWith('[sw-token-proxy]') ? message : `[sw-token-proxy] ${message}.`)
}
