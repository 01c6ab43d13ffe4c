import { ErrorCode, TokenProxyError, formatMessage } from '../protocol/errors.js'

/** Where {@link openAuthenticatedWebSocket} gets its one-time ticket, and how it passes it on. */
export interface OpenAuthenticatedWebSocketOptions {
  /**
   * Your endpoint that mints a one-time ticket for the signed-in user and answers
   * `{ "ticket": "…" }` to a `POST`. It must be on one of the worker's `api` prefixes, so the worker
   * adds the bearer token to the ticket request.
   */
  ticketUrl: string | URL
  /** Sub-protocols for the `WebSocket` constructor. */
  protocols?: string | string[]
  /** The query parameter that carries the ticket on the socket's URL. Default `'ticket'`. */
  ticketParam?: string
}

const ACTION = 'open the WebSocket'

/**
 * Opens a WebSocket as the signed-in user. A browser sends no `Authorization` header on a
 * WebSocket handshake, and a service worker never sees one, so the token proxy cannot add the
 * bearer there. Instead this `POST`s `ticketUrl` with a plain `fetch` (the worker adds the bearer,
 * and renews the token first if it must), reads `{ ticket }` from the JSON answer, and opens
 * `url?ticket=…`. The server must accept a ticket once, for a short time, as the user it was minted
 * for. `POST`, because minting a ticket is not a read: nothing caches or prefetches it.
 *
 * Resolves with the socket once it is open; rejects with a `TokenProxyError`:
 * - `ERR_WEBSOCKET_TICKET` when there is no ticket: the request failed, was refused (a 401: no
 *   session, it ended, or this page has no worker yet), or its answer held no `ticket`;
 * - `ERR_WEBSOCKET_REFUSED` when the socket closed before it opened (the server refused the
 *   ticket, or could not be reached);
 * - `ERR_INVALID_OPTIONS` when `url` is not a `ws:`, `wss:`, `http:` or `https:` URL.
 *
 * The ticket never appears in an error or a log line of this library. It does stay in the
 * returned socket's `url`: it is spent by then, so do not treat that as a secret, but do not log it
 * either.
 *
 * @param url The socket's URL: absolute, or relative to the page (`'/ws'`); `http(s):` becomes
 * `ws(s):`.
 *
 * @example
 * ```ts
 * import { openAuthenticatedWebSocket, registerTokenProxy } from 'sw-token-proxy/client'
 *
 * const proxy = await registerTokenProxy()
 * const socket = await openAuthenticatedWebSocket('/ws', { ticketUrl: '/api/ws-ticket' })
 * socket.addEventListener('message', (event) => render(JSON.parse(event.data)))
 * // A socket outlives the token it was opened with: when it drops, open a new one the same way.
 * ```
 */
export async function openAuthenticatedWebSocket(
  url: string | URL,
  options: OpenAuthenticatedWebSocketOptions,
): Promise<WebSocket> {
  const { ticketUrl, protocols, ticketParam = 'ticket' } = options
  const socketUrl = toWebSocketUrl(url)
  const ticket = await fetchTicket(String(ticketUrl))
  socketUrl.searchParams.set(ticketParam, ticket)
  return open(socketUrl, protocols, `${socketUrl.origin}${socketUrl.pathname}`)
}

/** `url` as a `ws:`/`wss:` URL, before any ticket is minted for it. */
function toWebSocketUrl(url: string | URL): URL {
  const resolved = new URL(url, globalThis.location?.href)
  if (resolved.protocol === 'http:') resolved.protocol = 'ws:'
  else if (resolved.protocol === 'https:') resolved.protocol = 'wss:'
  if (resolved.protocol !== 'ws:' && resolved.protocol !== 'wss:') {
    throw new TokenProxyError(
      ErrorCode.INVALID_OPTIONS,
      formatMessage(
        ACTION,
        `'${resolved.protocol}' is not a WebSocket URL scheme`,
        'Pass a ws:, wss:, http: or https: URL, or a path on this origin',
      ),
    )
  }
  return resolved
}

/** Asks `ticketUrl` for a ticket through the worker, which adds the bearer. */
async function fetchTicket(ticketUrl: string): Promise<string> {
  const fail = (why: string, remedy: string, cause?: unknown) =>
    new TokenProxyError(ErrorCode.WEBSOCKET_TICKET, formatMessage(ACTION, why, remedy), { cause })
  let response: Response
  try {
    response = await fetch(ticketUrl, {
      method: 'POST',
      cache: 'no-store',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    })
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : ''
    throw fail(
      `the ticket request to ${ticketUrl} got no answer${detail}`,
      'Check that the ticket endpoint is reachable, then try again',
      error,
    )
  }
  if (response.status === 401) {
    const controlled = globalThis.navigator?.serviceWorker?.controller != null
    throw fail(
      controlled
        ? `the ticket endpoint ${ticketUrl} answered 401: there is no session (never signed in, or it ended)`
        : `the ticket endpoint ${ticketUrl} answered 401, and this page has no service worker to add the token`,
      controlled
        ? 'Sign in, then open the socket again (the session-expired event tells you when a session ends)'
        : 'Await registerTokenProxy() before opening the socket, and check that ticketUrl is on one of the worker’s api prefixes',
    )
  }
  if (!response.ok) {
    throw fail(
      `the ticket endpoint ${ticketUrl} answered ${response.status}`,
      'Check that ticketUrl is your ticket endpoint and that it accepts a POST',
    )
  }
  const body: unknown = await response.json().catch(() => undefined)
  const ticket = typeof body === 'object' && body !== null ? (body as { ticket?: unknown }).ticket : undefined
  if (typeof ticket !== 'string' || ticket === '') {
    throw fail(
      `the ticket endpoint ${ticketUrl} answered ${response.status} without a "ticket" string in a JSON body`,
      'Make it answer { "ticket": "…" }',
    )
  }
  return ticket
}

/** Opens the socket and settles once it is open, or once it closed without opening. */
function open(socketUrl: URL, protocols: string | string[] | undefined, shownUrl: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = protocols === undefined ? new WebSocket(socketUrl) : new WebSocket(socketUrl, protocols)
    const onOpen = () => {
      socket.removeEventListener('close', onClose)
      resolve(socket)
    }
    const onClose = (event: CloseEvent) => {
      socket.removeEventListener('open', onOpen)
      // A browser tells the page nothing about a refused handshake: no status, close code 1006.
      reject(
        new TokenProxyError(
          ErrorCode.WEBSOCKET_REFUSED,
          formatMessage(
            ACTION,
            `${shownUrl} closed before it opened (close code ${event.code}): the server refused the handshake or could not be reached`,
            'Check that the server accepts a fresh ticket once, as the user it was minted for, on this URL',
          ),
        ),
      )
    }
    socket.addEventListener('open', onOpen, { once: true })
    socket.addEventListener('close', onClose, { once: true })
  })
}
