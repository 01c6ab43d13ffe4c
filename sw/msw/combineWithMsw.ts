/// <reference lib="webworker" />
import type { TokenProxy, WaitUntil } from '../createTokenProxy.js'

/** msw's `fetch` listener, as `mockServiceWorker.js` adds it. */
export type FetchListener = (event: FetchEvent) => void

/**
 * What an API request carries to Mock Service Worker instead of the token: msw hands the request to
 * the page, where its handlers run, and page script never sees a token (Policy 1, docs/behaviour.md).
 * The rest of the value is one random id per request, so a passthrough finds its request again.
 */
export const PLACEHOLDER_PREFIX = 'Bearer sw-token-proxy.'

/**
 * One fetch listener over the proxy and msw's, and the `fetch` msw's passthrough calls. Requests the
 * proxy does not own go to msw as they are. An API request goes to msw with a placeholder for the
 * token; when msw mocks it, that is the answer; when msw passes it through, `fetch` sees the
 * placeholder and sends the request through the proxy's API path (the real token, one renewal for
 * every tab), never to the network with the placeholder. When msw does not answer (no page mocks),
 * the proxy answers as without msw. Token endpoints and logout are the proxy's alone.
 */
export function combineWithMsw(
  proxy: TokenProxy,
  msw: FetchListener,
  network: typeof fetch,
  newId: () => string = () => crypto.randomUUID(),
): { onFetch: (event: FetchEvent) => void; fetch: typeof fetch } {
  /** The placeholders of API requests msw is answering, with their event's `waitUntil`. */
  const standIns = new Map<string, WaitUntil>()

  function onFetch(event: FetchEvent): void {
    const route = proxy.route(event.request)
    if (!route) return msw(event)
    const waitUntil: WaitUntil = (promise) => event.waitUntil(promise)
    if (route.role !== 'api') return event.respondWith(proxy.handle(event.request, route, waitUntil))

    const placeholder = `${PLACEHOLDER_PREFIX}${newId()}`
    const headers = new Headers(event.request.headers)
    headers.set('Authorization', placeholder)
    let answer: Response | Promise<Response> | undefined
    const standIn = {
      request: new Request(event.request.clone(), { headers }),
      clientId: event.clientId,
      resultingClientId: event.resultingClientId,
      respondWith: (response: Response | Promise<Response>) => void (answer = response),
      waitUntil,
    }
    standIns.set(placeholder, waitUntil)
    msw(standIn as unknown as FetchEvent)
    if (answer === undefined) {
      standIns.delete(placeholder)
      event.respondWith(proxy.handle(event.request, route, waitUntil))
      return
    }
    event.respondWith(Promise.resolve(answer).finally(() => standIns.delete(placeholder)))
  }

  function fetchThrough(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    // `init.headers` replaces the request's own headers, as `new Request(input, init)` would.
    const given =
      init?.headers !== undefined ? new Headers(init.headers) : input instanceof Request ? input.headers : undefined
    const authorization = given?.get('Authorization')
    if (!given || !authorization?.startsWith(PLACEHOLDER_PREFIX)) return network(input, init)
    const headers = new Headers(given)
    headers.delete('Authorization')
    const request = new Request(input, { ...init, headers })
    const waitUntil = standIns.get(authorization)
    standIns.delete(authorization)
    const route = waitUntil && proxy.route(request)
    // A placeholder this worker did not hand out (or one used already) never gets a token.
    return route?.role === 'api' ? proxy.handle(request, route, waitUntil!) : network(request)
  }

  return { onFetch, fetch: fetchThrough }
}
