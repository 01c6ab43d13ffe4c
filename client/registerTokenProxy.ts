import { Workbox, messageSW } from 'workbox-window'
import { ErrorCode, TokenProxyError, formatMessage, isSerializedError } from '../protocol/errors.js'
import {
  MESSAGE_SOURCE,
  PROTOCOL_VERSION,
  isBroadcastMessage,
  type BroadcastPayloads,
  type BroadcastType,
  type Reply,
  type ReplyPayloads,
  type RequestPayloads,
  type RequestType,
  type SessionStatus,
} from '../protocol/messages.js'
import { LIBRARY_VERSION } from '../protocol/version.js'

export interface RegisterTokenProxyOptions {
  /** The worker script. Default `'/sw.js'`. */
  url?: string
  /** The registration scope. Default: the script's directory, as the browser decides. */
  scope?: string
  /** How long to wait for the worker to take control and to answer a message. Default 10 000 ms. */
  timeoutMs?: number
}

/** Session events, named for `on()`. Each maps to one worker broadcast. */
export interface SessionEvents {
  'session-started': BroadcastPayloads['SESSION_STARTED']
  'session-refreshed': BroadcastPayloads['SESSION_REFRESHED']
  /** The session is over (the refresh token was refused): send the user to log in. */
  'session-expired': BroadcastPayloads['SESSION_EXPIRED']
  /** Someone logged out, in this tab or another. */
  'session-ended': BroadcastPayloads['SESSION_ENDED']
  /** A refresh failed for a passing reason (offline, 5xx); the session is kept and retried later. */
  'refresh-failed': BroadcastPayloads['REFRESH_FAILED']
}

export type SessionEventName = keyof SessionEvents

export interface TokenProxyClient {
  /** Listens for a session event in this tab; returns the function that stops listening. */
  on<E extends SessionEventName>(event: E, listener: (payload: SessionEvents[E]) => void): () => void
  /** Whether there is a session and when its access token expires. Never a token. */
  status(): Promise<SessionStatus>
  /** Logs out everywhere: the worker calls the logout endpoint, clears the tokens, tells every tab. */
  logout(): Promise<void>
  /**
   * OpenID Connect: sends the user to the provider to sign in (authorization code + PKCE). The
   * worker makes and keeps the PKCE verifier, state and nonce; this page only navigates.
   * `returnTo` is where `completeSignIn()` says to go afterwards.
   */
  signIn(options?: { returnTo?: string }): Promise<void>
  /**
   * OpenID Connect: on the redirect page, hands the callback to the worker, which checks it and
   * redeems the code; the tokens stay in the worker. Removes `code` and `state` from the address
   * bar and answers the `returnTo` given to `signIn()`.
   */
  completeSignIn(): Promise<{ returnTo: string | null }>
  readonly registration: ServiceWorkerRegistration
}

const EVENT_NAMES: Record<BroadcastType, SessionEventName> = {
  SESSION_STARTED: 'session-started',
  SESSION_REFRESHED: 'session-refreshed',
  SESSION_EXPIRED: 'session-expired',
  SESSION_ENDED: 'session-ended',
  REFRESH_FAILED: 'refresh-failed',
}

/**
 * Registers the token-proxy worker and resolves once it controls this page, so the app's next
 * `fetch` already goes through it. After a shift-reload (which leaves a page uncontrolled) it asks
 * the active worker to claim the page. Warns, with the fix, when page and worker versions differ.
 *
 * @example
 * ```ts
 * import { registerTokenProxy } from 'sw-token-proxy/client'
 *
 * const proxy = await registerTokenProxy({ url: '/sw.js' })
 * proxy.on('session-expired', ({ reason }) => showLogin(reason))
 * const me = await fetch('/api/me') // the worker adds the token
 * ```
 */
export async function registerTokenProxy(options: RegisterTokenProxyOptions = {}): Promise<TokenProxyClient> {
  const { url = '/sw.js', scope, timeoutMs = 10_000 } = options
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) {
    throw new TokenProxyError(
      ErrorCode.UNSUPPORTED,
      formatMessage('register the token proxy', 'service workers are not available here', 'Serve the page over https or from localhost in a browser that supports service workers'),
    )
  }
  const container = navigator.serviceWorker
  const scriptUrl = new URL(url, location.href).href

  // Listen before anything can be posted, so no broadcast is missed while registering.
  const listeners = new Map<SessionEventName, Set<(payload: never) => void>>()
  container.addEventListener('message', (event: MessageEvent) => {
    if (!isOwnWorker(event.source, scriptUrl) || !isBroadcastMessage(event.data)) return
    for (const listener of listeners.get(EVENT_NAMES[event.data.type]) ?? []) {
      ;(listener as (payload: unknown) => void)(event.data.payload)
    }
  })
  container.startMessages()

  const workbox = new Workbox(url, { ...(scope !== undefined && { scope }), updateViaCache: 'none' })
  const registration = await workbox.register({ immediate: true })
  if (!registration) {
    throw new TokenProxyError(ErrorCode.UNSUPPORTED, formatMessage('register the token proxy', 'the browser refused the registration', 'Check the console for the browser\'s reason'))
  }

  await withTimeout(waitForControl(container, registration, timeoutMs), timeoutMs, 'take control of the page')
  await checkVersions(timeoutMs)

  return {
    registration,
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => set.delete(listener)
    },
    status: () => ask('STATUS', {}, timeoutMs),
    logout: async () => {
      await ask('LOGOUT', {}, timeoutMs)
    },
    signIn: async ({ returnTo } = {}) => {
      const { url } = await ask('SIGN_IN', returnTo === undefined ? {} : { returnTo }, timeoutMs)
      location.assign(url)
    },
    completeSignIn: async () => {
      const callbackUrl = location.href
      // The code is single-use and useless without the worker's verifier, but it has no business
      // staying in the address bar or the history.
      history.replaceState(history.state, '', location.pathname)
      return ask('COMPLETE_SIGN_IN', { callbackUrl }, timeoutMs)
    },
  }
}

function isOwnWorker(source: MessageEventSource | null, scriptUrl: string): boolean {
  // Compared without the query string, so `/sw.js?v=2` after an update still counts as ours.
  return source instanceof ServiceWorker && source.scriptURL.split('?')[0] === scriptUrl.split('?')[0]
}

async function waitForControl(container: ServiceWorkerContainer, registration: ServiceWorkerRegistration, timeoutMs: number): Promise<void> {
  if (container.controller) return
  const controlled = new Promise<void>((resolve) => container.addEventListener('controllerchange', () => resolve(), { once: true }))
  const ready = await container.ready
  if (container.controller) return
  const active = ready.active ?? registration.active
  if (active) await request(active, 'CLAIM', {}, timeoutMs)
  await controlled
}

async function checkVersions(timeoutMs: number): Promise<void> {
  const { protocolVersion, workerVersion } = await ask('HANDSHAKE', { protocolVersion: PROTOCOL_VERSION, clientVersion: LIBRARY_VERSION }, timeoutMs)
  if (protocolVersion !== PROTOCOL_VERSION || workerVersion !== LIBRARY_VERSION) {
    console.warn(
      formatMessage(
        'match the page and the worker',
        `this page runs sw-token-proxy ${LIBRARY_VERSION} (protocol ${PROTOCOL_VERSION}) but the worker runs ${workerVersion} (protocol ${protocolVersion})`,
        'Build the page and the worker from the same sw-token-proxy version and deploy both; the new worker takes over on the next load',
      ),
    )
  }
}

function ask<T extends RequestType>(type: T, payload: RequestPayloads[T], timeoutMs: number): Promise<ReplyPayloads[T]> {
  const controller = navigator.serviceWorker.controller
  if (!controller) {
    return Promise.reject(
      new TokenProxyError(ErrorCode.UNSUPPORTED, formatMessage(`send ${type}`, 'this page has no service worker controlling it', 'Await registerTokenProxy() before using the proxy')),
    )
  }
  return request(controller, type, payload, timeoutMs)
}

/** One MessageChannel per request, one reply per channel (workbox-window's `messageSW`). */
async function request<T extends RequestType>(worker: ServiceWorker, type: T, payload: RequestPayloads[T], timeoutMs: number): Promise<ReplyPayloads[T]> {
  const reply = (await withTimeout(messageSW(worker, { source: MESSAGE_SOURCE, type, payload }), timeoutMs, `get an answer to ${type}`)) as Reply<T> | undefined
  if (reply?.ok === true) return reply.payload
  if (reply?.ok === false && isSerializedError(reply.error)) throw TokenProxyError.fromJSON(reply.error)
  throw new TokenProxyError(ErrorCode.PROTOCOL_MISMATCH, formatMessage(`read the answer to ${type}`, 'the worker answered in an unknown format', 'Deploy the page and the worker from the same sw-token-proxy version'))
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, action: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TokenProxyError(ErrorCode.REPLY_TIMEOUT, formatMessage(action, `the service worker did not answer within ${timeoutMs} ms`, 'Check the worker script for errors in the browser\'s service-worker console'))),
      timeoutMs,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
