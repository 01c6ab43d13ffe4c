// Server-sent events and WebSockets through the token proxy, as an app writes them. The e2e suite
// (realtime.spec.ts) drives it: it calls the library's helper from `window.tokenProxyDemo`.
import { openAuthenticatedWebSocket, registerTokenProxy } from '../../client/index.ts'

const state = document.querySelector('#state')!
const log = (text: string) => {
  const item = document.createElement('li')
  item.textContent = text
  document.querySelector('#log')!.append(item)
}

await registerTokenProxy({ url: '/sw.js' })
state.textContent = 'Ready.'
document.documentElement.dataset['proxy'] = 'ready'

// An EventSource on an `api` prefix goes through the worker, which adds the bearer; when the
// server closes the stream, the browser reconnects through the worker with the current token.
document.querySelector('#live')!.addEventListener('click', () => {
  const events = new EventSource('/api/live')
  events.onmessage = (event) => log(`event: ${String(event.data)}`)
  events.onerror = () =>
    log(events.readyState === EventSource.CLOSED ? 'stream closed for good' : 'stream dropped: reconnecting')
})

// A WebSocket handshake never goes through the worker: get a one-time ticket with the bearer first.
document.querySelector('#socket')!.addEventListener('click', () => {
  openAuthenticatedWebSocket('/ws', { ticketUrl: '/api/ws-ticket' }).then(
    (socket) => socket.addEventListener('message', (event) => log(`socket: ${String(event.data)}`)),
    (error: unknown) => log(error instanceof Error ? error.message : String(error)),
  )
})

// For the e2e suite: the helper exactly as the app imports it.
Object.assign(window, { tokenProxyDemo: { openAuthenticatedWebSocket } })
