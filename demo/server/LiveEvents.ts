import type { ServerResponse } from 'node:http'

/** Who opened one `/api/live` stream, as the API saw it: digests only, never a token. */
export interface LiveStream {
  /** 1 for the first stream this server opened, 2 for the next (a reconnect is a new stream). */
  connection: number
  user: string
  /** Digest of the Authorization value that opened the stream (`ApiRecord.authorizationDigest`). */
  tokenDigest: string
  /** The `Last-Event-ID` the browser sent: set on an EventSource's own reconnect, `null` on its first. */
  lastEventId: string | null
}

/** What each event's `data` holds: the stream it came on, and the text sent. */
export interface LiveEventData extends LiveStream {
  text: string
}

/**
 * The demo API's server-sent events (`GET /api/live`): each stream opens with a `connected` event
 * naming the user and token digest it was opened with, then carries whatever `send()` pushes.
 * `retry: 200` makes the browser's EventSource reconnect within a fifth of a second after the
 * server closes a stream, which is how a stream picks up a renewed token: the reconnect goes
 * through the worker like any request.
 */
export class LiveEvents {
  /** Every stream opened so far, in order. */
  readonly streams: LiveStream[] = []
  readonly #open = new Map<ServerResponse, LiveStream>()
  #nextEventId = 1

  /** Streams `response` as `text/event-stream` until `end()` or the client goes away. */
  open(response: ServerResponse, opened: Omit<LiveStream, 'connection'>): void {
    const stream: LiveStream = { connection: this.streams.length + 1, ...opened }
    this.streams.push(stream)
    this.#open.set(response, stream)
    response.once('close', () => this.#open.delete(response))
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
    response.write('retry: 200\n\n')
    this.#write(response, stream, 'connected')
  }

  /** Sends `text` as one event on every open stream. */
  send(text: string): void {
    for (const [response, stream] of this.#open) this.#write(response, stream, text)
  }

  /**
   * Closes every open stream from the server's side, as a server does when the token a stream
   * was opened with runs out: the browser reconnects after `retry`.
   */
  end(): void {
    for (const response of [...this.#open.keys()]) {
      this.#open.delete(response)
      response.end()
    }
  }

  /** How many streams are open now. */
  get openCount(): number {
    return this.#open.size
  }

  #write(response: ServerResponse, stream: LiveStream, text: string): void {
    const data: LiveEventData = { ...stream, text }
    response.write(`id: ${this.#nextEventId++}\ndata: ${JSON.stringify(data)}\n\n`)
  }
}
