import type { BrowserContext, Request } from '@playwright/test'

/** A request the service worker sent to the network, and whether it carried a bearer token. */
export interface WorkerRequest {
  /** The request's method, upper-case (`'GET'`, `'POST'`…). */
  method: string
  /** The request's full URL, query included. */
  url: string
  /** `true` when the request carried `Authorization: Bearer …`. The value itself is never kept. */
  authorized: boolean
}

/**
 * Lists, live, the requests that service workers of `context` send to the network, and whether
 * each carried a bearer token, without ever keeping a token: Playwright reports the worker's own
 * network traffic, so nothing in the worker has to be opened up for tests.
 *
 * **Chromium only**: Playwright reports a service worker's own requests in Chromium only; in
 * Firefox and WebKit the list stays empty. Assert on what your server recorded there instead.
 */
export function recordWorkerRequests(context: BrowserContext): WorkerRequest[] {
  const requests: WorkerRequest[] = []
  context.on('request', (request: Request) => {
    if (!request.serviceWorker()) return
    // Headers arrive asynchronously: assert with `expect.poll` rather than right after a fetch.
    request.allHeaders().then(
      (headers) =>
        requests.push({
          method: request.method(),
          url: request.url(),
          authorized: /^bearer /i.test(headers['authorization'] ?? ''),
        }),
      () => undefined,
    )
  })
  return requests
}
