import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { WebSocketTickets } from './WebSocketTickets.ts'

/** The path of the demo's WebSocket endpoint. */
const WEBSOCKET_PATH = '/ws'

/** One handshake the server accepted or refused. */
export interface WebSocketHandshakeRecord {
  accepted: boolean
  /** The user the ticket named, when it was accepted. */
  user: string | null
  /** Why it was refused: the ticket's outcome, or `'cross-site'` for a foreign `Origin`. */
  refusal: string | null
}

/** What the server sends first on an accepted socket: who it thinks the client is. */
interface WebSocketWelcome {
  type: 'welcome'
  user: string
}

/**
 * The demo's WebSocket endpoint (`/ws`), on the demo server's own HTTP server. A browser sends no
 * `Authorization` on a WebSocket handshake and a service worker never sees one, so the handshake
 * must carry a one-time ticket (`?ticket=…`, from `POST /api/ws-ticket`) instead: a fresh, unused
 * ticket opens the socket as the ticket's user; anything else is refused with a 401 before the
 * upgrade. It also refuses another site's page (`Origin`), as every cookie- or ticket-authenticated
 * WebSocket server should. Once open, it welcomes the client by name and echoes what it sends.
 */
export class TicketedWebSockets {
  readonly handshakes: WebSocketHandshakeRecord[] = []
  readonly #server = new WebSocketServer({ noServer: true })
  readonly #tickets: WebSocketTickets

  constructor(tickets: WebSocketTickets) {
    this.#tickets = tickets
  }

  /**
   * Hand it the HTTP server's `upgrade` events: answers `true` when the request was for `/ws` (and
   * has been accepted or refused), `false` to leave it to another listener (Vite's HMR socket).
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://demo.invalid')
    if (url.pathname !== WEBSOCKET_PATH) return false
    const origin = request.headers.origin
    if (origin !== undefined && new URL(origin).host !== request.headers.host) {
      this.#refuse(socket, 403, 'cross-site')
      return true
    }
    // Redeemed here, before the upgrade: a refused ticket gets an HTTP answer, not an open socket.
    const outcomeBefore = this.#tickets.redemptions.length
    const user = this.#tickets.redeem(url.searchParams.get('ticket'))
    if (user === undefined) {
      this.#refuse(socket, 401, this.#tickets.redemptions[outcomeBefore]?.outcome ?? 'unknown')
      return true
    }
    this.handshakes.push({ accepted: true, user, refusal: null })
    this.#server.handleUpgrade(request, socket, head, (client) => this.#welcome(client, user))
    return true
  }

  /** Closes every open socket, so the HTTP server can close. */
  close(): void {
    for (const client of this.#server.clients) client.terminate()
    this.#server.close()
  }

  #welcome(client: WebSocket, user: string): void {
    const welcome: WebSocketWelcome = { type: 'welcome', user }
    client.send(JSON.stringify(welcome))
    client.on('message', (data) => {
      const text = (
        Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)
      ).toString('utf8')
      client.send(JSON.stringify({ type: 'echo', user, text }))
    })
  }

  #refuse(socket: Duplex, status: 401 | 403, refusal: string): void {
    this.handshakes.push({ accepted: false, user: null, refusal })
    const reason = status === 401 ? 'Unauthorized' : 'Forbidden'
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  }
}
