import { createServer, type Server } from 'node:http'
import { closeServer, listen } from '../../demo/server/listen.ts'
import sirv from 'sirv'
import { IntrospectedApi } from '../../demo/server/IntrospectedApi.ts'

/**
 * The app origin for the OpenID Connect tests (`http://localhost:PORT`): the built pages and
 * workers, and an API that accepts a bearer token only if the provider's introspection endpoint
 * (RFC 7662) says it is active: the resource server trusts the provider, not the page.
 */
export class OidcApp {
  readonly #resourceServer = new IntrospectedApi()
  readonly records = this.#resourceServer.records
  origin = ''
  get issuer(): string {
    return this.#resourceServer.issuer
  }
  set issuer(issuer: string) {
    this.#resourceServer.issuer = issuer
  }
  /**
   * The API prefixes the demo's OpenID worker gives the token to, served with `issuer` as
   * `/oidc-config.js`: the server's own settings, never the page's URL.
   */
  api: Array<string | { prefix: string; resource?: string; audience?: string; scope?: string }> = ['/api/']
  /** The scope the worker asks for at sign-in; `undefined`: the worker's default. */
  scope: string | undefined
  /** Whether the worker runs with `dpop: true` (DPoP-bound tokens, proofs on every request). */
  dpop = false
  /** The worker's `oidc.pushedAuthorizationRequests`; `undefined`: its default, `'auto'`. */
  pushedAuthorizationRequests: 'auto' | boolean | undefined
  #server: Server | undefined

  /**
   * Serves the app (pages and workers from `staticDir`) with its API under `/api/`; or, with
   * `corsOrigin`, only an API, on another site (`http://127.0.0.1:PORT`), for that app origin.
   */
  async start(staticDir: string, { corsOrigin }: { corsOrigin?: string } = {}): Promise<this> {
    const serveStatic = sirv(staticDir, { dev: true })
    const cors: Record<string, string> = corsOrigin
      ? { 'Access-Control-Allow-Origin': corsOrigin, 'Access-Control-Allow-Headers': 'Authorization', Vary: 'Origin' }
      : {}
    this.#server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://app.invalid').pathname
      if (corsOrigin && request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
      if (!corsOrigin && path === '/oidc-config.js') {
        const config = JSON.stringify({
          issuer: this.issuer,
          api: this.api,
          scope: this.scope,
          dpop: this.dpop,
          pushedAuthorizationRequests: this.pushedAuthorizationRequests,
        })
        return void response
          .writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' })
          .end(`self.demoOidcConfig = ${config}\n`)
      }
      if (!corsOrigin && !path.startsWith('/api/'))
        return serveStatic(request, response, () => void response.writeHead(404).end())
      void this.#resourceServer.answer(path, request.headers.authorization).then(({ status, body }) => {
        response
          .writeHead(status, {
            'Content-Type': 'application/json',
            ...cors,
            ...(status === 401 && { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
          })
          .end(JSON.stringify(body))
      })
    })
    const port = await listen(this.#server)
    this.origin = corsOrigin ? `http://127.0.0.1:${port}` : `http://localhost:${port}`
    return this
  }

  async close(): Promise<void> {
    if (this.#server) await closeServer(this.#server)
  }
}
