import { createServer, type IncomingMessage, type Server } from 'node:http'
import { closeServer, listen } from '../../demo/server/listen.ts'

export interface ThirdPartyRecord {
  method: string
  path: string
  authorization: boolean
  secFetchSite: string | null
}

/**
 * Another site (`http://127.0.0.1:PORT`, a different site from `localhost`): an API that must never
 * see the app's token, and a host for attacker pages. Records every request it receives.
 */
export class ThirdPartyServer {
  readonly records: ThirdPartyRecord[] = []
  readonly #pages = new Map<string, string>()
  #server: Server | undefined
  origin = ''

  /** Serves `html` at `path`. */
  page(path: string, html: string): string {
    this.#pages.set(path, html)
    return `${this.origin}${path}`
  }

  async start(host = '127.0.0.1', hostname = '127.0.0.1'): Promise<this> {
    this.#server = createServer((request: IncomingMessage, response) => {
      const path = new URL(request.url ?? '/', 'http://x.invalid').pathname
      this.records.push({
        method: request.method ?? 'GET',
        path,
        authorization: request.headers.authorization !== undefined,
        secFetchSite: typeof request.headers['sec-fetch-site'] === 'string' ? request.headers['sec-fetch-site'] : null,
      })
      request.resume()
      const html = this.#pages.get(path)
      if (html !== undefined) {
        response.writeHead(200, { 'Content-Type': 'text/html' }).end(html)
        return
      }
      response
        .writeHead(200, {
          'Content-Type': 'application/json',
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Headers': '*',
          'Access-Control-Allow-Methods': '*',
        })
        .end('{"ok":true}')
    })
    this.origin = `http://${hostname}:${await listen(this.#server, 0, host)}`
    return this
  }

  async close(): Promise<void> {
    if (this.#server) await closeServer(this.#server)
  }
}
