/// <reference lib="webworker" />
import { formatMessage } from '../../protocol/errors.js'
import type { TokenProxyOptions } from '../glossary.js'
import { startTokenProxy } from '../startTokenProxy.js'
import { combineWithMsw, type FetchListener } from './combineWithMsw.js'
import type { MswOptions } from './glossary.js'

declare let self: ServiceWorkerGlobalScope

/**
 * The token proxy and Mock Service Worker (msw 2.x) in one service worker, for development and
 * tests: a scope has one worker, so the one msw registers must also be the proxy. Call it once, at
 * the top level of the worker script, instead of `installTokenProxy(options)`; the page starts msw
 * with `setupWorker(...handlers).start({ serviceWorker: { url: '/sw.js' } })`, the same script as
 * `registerTokenProxy()`.
 *
 * msw's own `mockServiceWorker.js` (copy it next to the worker, as `npx msw init` does) is loaded
 * unmodified with `importScripts`; its fetch listener is not registered but called by this
 * worker's one listener:
 * - a request the proxy does not own reaches msw's listener as it is;
 * - an API request reaches msw with `Authorization: Bearer sw-token-proxy.<id>` instead of the
 *   token, because msw hands requests to the page, where its handlers run. A mock is the answer;
 *   a request msw passes through goes through the proxy (the real token, a `401` renews once for
 *   every tab and replays), never to the network with the placeholder; with no page mocking, the
 *   proxy answers as it does without msw;
 * - the token endpoints and the logout endpoint are the proxy's alone: msw never sees them.
 *
 * The browser's static routes (Policy 12, docs/behaviour.md) are not declared: msw must see every
 * request. A classic worker only (`importScripts`); the DPoP build has no msw variant.
 *
 * @example
 * ```ts
 * // src/sw.ts, built as /sw.js; mockServiceWorker.js copied to the same folder
 * import { installTokenProxyWithMsw } from 'sw-token-proxy/sw/msw'
 *
 * installTokenProxyWithMsw({
 *   api: ['/api/'],
 *   tokenEndpoints: ['/auth/login'],
 *   refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
 * })
 * ```
 */
export function installTokenProxyWithMsw(options: TokenProxyOptions, msw: MswOptions = {}): void {
  const proxy = startTokenProxy(options)
  self.addEventListener('install', () => void self.skipWaiting())
  self.addEventListener('activate', () => void self.clients.claim())
  if (!proxy) return
  const scriptUrl = msw.scriptUrl ?? 'mockServiceWorker.js'
  const mswListener = loadMsw(scriptUrl)
  if (!mswListener) {
    self.addEventListener('fetch', (event) => {
      const route = proxy.route(event.request)
      if (route) event.respondWith(proxy.handle(event.request, route, (promise) => event.waitUntil(promise)))
    })
    return
  }
  const network = self.fetch.bind(self)
  const combined = combineWithMsw(proxy, mswListener, network)
  // msw's passthrough calls the global `fetch`; the proxy's own requests go through it too.
  self.fetch = combined.fetch
  self.addEventListener('fetch', combined.onFetch)
}

/**
 * Runs msw's script with `addEventListener('fetch', …)` captured instead of registered (its
 * install, activate and message listeners register as usual). `undefined`, said in the console,
 * when the script cannot be loaded or adds no fetch listener: the proxy then serves alone.
 */
function loadMsw(scriptUrl: string): FetchListener | undefined {
  let captured: FetchListener | undefined
  const own = Object.getOwnPropertyDescriptor(self, 'addEventListener')
  const add = self.addEventListener.bind(self)
  const capture = (type: string, listener: EventListenerOrEventListenerObject, options?: unknown): void => {
    if (type === 'fetch' && captured === undefined) {
      captured = typeof listener === 'function' ? listener : (event) => listener.handleEvent(event)
      return
    }
    add(type, listener, options as AddEventListenerOptions)
  }
  Object.defineProperty(self, 'addEventListener', { value: capture, configurable: true, writable: true })
  try {
    importScripts(scriptUrl)
  } catch (error) {
    console.error(
      formatMessage(
        `load Mock Service Worker from ${scriptUrl}`,
        `importScripts threw "${error instanceof Error ? error.message : String(error)}"`,
        'Copy mockServiceWorker.js from msw next to the worker (npx msw init) or pass its URL as scriptUrl, and build the worker as a classic script (a module worker has no importScripts); the token proxy serves without mocks meanwhile',
      ),
    )
    return undefined
  } finally {
    if (own) Object.defineProperty(self, 'addEventListener', own)
    else delete (self as { addEventListener?: unknown }).addEventListener
  }
  if (!captured)
    console.error(
      formatMessage(
        `load Mock Service Worker from ${scriptUrl}`,
        'the script added no fetch listener',
        'Point scriptUrl at msw 2.x’s own mockServiceWorker.js; the token proxy serves without mocks meanwhile',
      ),
    )
  return captured
}
