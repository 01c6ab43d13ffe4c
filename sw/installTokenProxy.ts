/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core'
import { Route, Router } from 'workbox-routing'
import type { HTTPMethod } from 'workbox-routing/utils/constants.js'
import { ErrorCode, TokenProxyError, formatMessage } from '../protocol/errors.js'
import { PROTOCOL_VERSION, isRequestMessage, type Reply, type RequestMessage, type RequestType } from '../protocol/messages.js'
import { LIBRARY_VERSION } from '../protocol/version.js'
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
 * Turns this service worker into the token proxy. Call it once, at the top level of the worker
 * script. The worker takes over at once (`skipWaiting` + `clients.claim`), so an update never
 * leaves pages on an old version longer than needed.
 *
 * @example
 * ```ts
 * // sw.ts
 * import { installTokenProxy } from 'sw-token-proxy/sw'
 *
 * installTokenProxy({
 *   api: ['/api/'],
 *   tokenEndpoints: ['/auth/login'],
 *   refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
 *   logout: '/auth/logout',
 * })
 * ```
 */
export function installTokenProxy(options: TokenProxyOptions): TokenProxy {
  const locks = 'locks' in self.navigator ? (self.navigator.locks) : undefined
  if (!locks) warn('Web Locks are not available: a refresh is single-flight in this worker only')

  const proxy = createTokenProxy(options, {
    origin: self.location.origin,
    fetch: (input, init) => self.fetch(input, init),
    store: new TokenStore(),
    locks: locks ? { request: (name, callback) => locks.request(name, callback) } : noLocks,
    broadcast: createBroadcast(self.clients),
    now: () => Date.now(),
    warn,
  })

  const router = new Router()
  for (const method of METHODS) {
    router.registerRoute(
      new Route(
        ({ url, request }) => proxy.roleOf(request, url),
        ({ request, event, params }) =>
          proxy.handle(request, params as unknown as Exclude<RequestRole, undefined>, (promise) => (event as FetchEvent).waitUntil(promise)),
        method,
      ),
    )
  }
  self.addEventListener('fetch', (event) => {
    const response = ROUTED_METHODS.has(event.request.method) ? router.handleRequest({ request: event.request, event }) : handleOtherMethod(proxy, event)
    if (response) event.respondWith(response)
  })

  self.addEventListener('install', () => {
    void self.skipWaiting()
  })
  clientsClaim()

  self.addEventListener('message', (event) => {
    if (!isRequestMessage(event.data)) return
    const port = event.ports[0]
    if (!port) return
    event.waitUntil(answer(proxy, event.data).then((reply) => port.postMessage(reply)))
  })

  return proxy
}

/**
 * Workbox only knows its six methods; `OPTIONS` and extension methods (WebDAV's `PROPFIND`…) get
 * the same decision and handling here, so every method is treated alike.
 */
function handleOtherMethod(proxy: TokenProxy, event: FetchEvent): Promise<Response> | undefined {
  const role = proxy.roleOf(event.request, new URL(event.request.url))
  return role && proxy.handle(event.request, role, (promise) => event.waitUntil(promise))
}

async function answer(proxy: TokenProxy, message: RequestMessage): Promise<Reply<RequestType>> {
  try {
    switch (message.type) {
      case 'HANDSHAKE':
        return { ok: true, payload: { protocolVersion: PROTOCOL_VERSION, workerVersion: LIBRARY_VERSION } }
      case 'CLAIM':
        // A shift-reloaded page has no controller until the active worker claims it (Policy 8).
        await self.clients.claim()
        return { ok: true, payload: { claimed: true } }
      case 'STATUS':
        return { ok: true, payload: await proxy.status() }
      case 'LOGOUT':
        await proxy.logout()
        return { ok: true, payload: { loggedOut: true } }
      case 'SIGN_IN': {
        const returnTo = typeof message.payload.returnTo === 'string' ? message.payload.returnTo : null
        return { ok: true, payload: { url: await proxy.signIn(returnTo) } }
      }
      case 'COMPLETE_SIGN_IN':
        if (typeof message.payload.callbackUrl !== 'string') throw new TokenProxyError(ErrorCode.SIGN_IN_FAILED, formatMessage('complete the sign-in', 'no callback URL was given', 'Call completeSignIn() on the redirect page'))
        return { ok: true, payload: await proxy.completeSignIn(message.payload.callbackUrl) }
    }
  } catch (error) {
    const proxyError =
      error instanceof TokenProxyError
        ? error
        : new TokenProxyError(ErrorCode.STORAGE_FAILED, formatMessage(`answer ${message.type}`, 'the worker failed unexpectedly', 'Try again, and check the worker console'))
    return { ok: false, error: proxyError.toJSON() }
  }
}

function warn(message: string): void {
  console.warn(message.startsWith('[sw-token-proxy]') ? message : `[sw-token-proxy] ${message}.`)
}
