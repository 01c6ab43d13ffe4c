import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthServerOptions } from './AuthServer.ts'
import { startDemoServer, type RunningDemoServer } from './createDemoServer.ts'
import { demoBuildDir } from './demoBuildDir.ts'
import { IntrospectedApi } from './IntrospectedApi.ts'
import { startOidcProvider, type RunningOidcProvider } from './OidcProvider.ts'

export interface DemoOptions {
  /** The demo's own port (`http://localhost:PORT`); 0, the default, picks a free one. */
  port?: number
  /** The interface the two demo origins listen on; default `127.0.0.1`. */
  host?: string
  /** The OpenID Provider's port on `127.0.0.1`; 0, the default, picks a free one. */
  oidcPort?: number
  /** The DPoP origin's port; 0, the default, picks a free one. */
  dpopPort?: number
  /** The demo auth server's settings, for both origins (the DPoP one adds `dpop: true`). */
  auth?: Partial<AuthServerOptions>
  /** The built demo; default `demoBuildDir`. */
  staticDir?: string
}

/** What `/oidc-config.js` sets as `self.demoOidcConfig` for the OpenID worker (demo/worker/sw-oidc.ts). */
interface DemoOidcConfig {
  issuer: string
  clientId: string
  api: string[]
  scope: string
}

export interface RunningDemo {
  /** The demo server: every page but DPoP's, its auth server and API, and the OpenID app's config and API. */
  main: RunningDemoServer
  /** The DPoP page's own origin: the same demo server with `dpop: true`, so the others keep bearer tokens. */
  dpop: RunningDemoServer
  /** The OpenID Provider the OpenID Connect page signs in with. */
  provider: RunningOidcProvider
  /** The OpenID Connect page's API (`/oidc-api/`), which checks the provider's tokens by introspection. */
  oidcApi: IntrospectedApi
  oidcConfig: DemoOidcConfig
  close(): Promise<void>
}

/** The API prefix the OpenID worker gives the provider's access token to. */
const OIDC_API = '/oidc-api/'
const OIDC_PAGE = '/oidc.html'
const DPOP_PAGE = '/dpop.html'

/**
 * `npm start`: the demo on one origin, plus what its OpenID Connect and DPoP pages need and the
 * e2e rigs otherwise provide.
 *
 * - An OpenID Provider (oidc-provider, its development login screens) on `127.0.0.1`, which knows
 *   the demo's client `spa` (redirect and post-logout redirect `/oidc.html`); the demo serves
 *   `/oidc-config.js` with its issuer, and answers `/oidc-api/` for the tokens it issued.
 * - The DPoP page on an origin of its own, whose auth server and API require DPoP (RFC 9449). One
 *   server cannot require DPoP from one page and not the others: the demo's other pages stay on
 *   bearer tokens exactly as before. `/dpop.html` on the demo redirects there; any other page
 *   asked of the DPoP origin redirects back.
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const staticDir = options.staticDir ?? demoBuildDir
  const oidcApi = new IntrospectedApi()
  const oidcConfig: DemoOidcConfig = { issuer: '', clientId: 'spa', api: [OIDC_API], scope: 'openid offline_access' }
  const origins = { main: '', dpop: '' }
  const started: Array<{ close(): Promise<void> }> = []
  const close = async () => void (await Promise.all(started.splice(0).map((server) => server.close())))

  try {
    const main = await startDemoServer({
      port: options.port ?? 0,
      ...(options.host !== undefined && { host: options.host }),
      staticDir,
      ...(options.auth && { auth: options.auth }),
      routes(request, response, path) {
        if (path === '/oidc-config.js') {
          response
            .writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' })
            .end(`self.demoOidcConfig = ${JSON.stringify(oidcConfig)}\n`)
          return true
        }
        if (path.startsWith(OIDC_API)) {
          void answerOidcApi(oidcApi, path, request, response)
          return true
        }
        if (path === DPOP_PAGE) return redirect(response, origins.dpop, request)
        return false
      },
    })
    started.push(main)
    origins.main = main.origin

    const dpop = await startDemoServer({
      port: options.dpopPort ?? 0,
      ...(options.host !== undefined && { host: options.host }),
      staticDir,
      auth: { ...options.auth, dpop: true },
      routes(request, response, path) {
        // The other pages need the bearer server: send them back to the demo's origin.
        const isPage = path === '/' || path.endsWith('.html')
        return isPage && path !== DPOP_PAGE ? redirect(response, origins.main, request) : false
      },
    })
    started.push(dpop)
    origins.dpop = dpop.origin

    const provider = await startOidcProvider({
      port: options.oidcPort ?? 0,
      clientOrigin: main.origin,
      clientRedirectUris: [`${main.origin}${OIDC_PAGE}`],
      ...(options.auth?.accessTtlSeconds !== undefined && { accessTokenTtlSeconds: options.auth.accessTtlSeconds }),
      ...(options.auth?.refreshTtlSeconds !== undefined && { refreshTokenTtlSeconds: options.auth.refreshTtlSeconds }),
    })
    started.push(provider)
    oidcApi.issuer = provider.issuer
    oidcConfig.issuer = provider.issuer

    return { main, dpop, provider, oidcApi, oidcConfig, close }
  } catch (error) {
    await close()
    throw error
  }
}

async function answerOidcApi(
  api: IntrospectedApi,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    const { status, body } = await api.answer(path, request.headers.authorization)
    response
      .writeHead(status, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        ...(status === 401 && { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
      })
      .end(JSON.stringify(body))
  } catch (error) {
    // The provider did not answer the introspection: the API cannot tell, so it fails.
    console.error('[demo OpenID API]', error instanceof Error ? error.message : error)
    if (!response.headersSent) response.writeHead(502).end()
  }
}

/** Sends the same path and query to `origin`. */
function redirect(response: ServerResponse, origin: string, request: IncomingMessage): true {
  response.writeHead(302, { Location: `${origin}${request.url ?? '/'}`, 'Cache-Control': 'no-store' }).end()
  return true
}
