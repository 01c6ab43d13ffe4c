import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { logOutAndSettle } from './testLogOut.js'
import { discoveryDocument } from './testOidcProvider.js'
import { openIdConnect } from './oidc/openIdConnect.js'
import type { TokenProxyOptions } from './glossary.js'
import { TokenStore } from './tokenStore.js'
import { proxyOverFakes } from './testProxy.js'

// Policy 10 at logout: a stored session that another configuration issued (the app moved to
// another refresh endpoint, or to an OpenID provider) is cleared by a logout, but its tokens go
// nowhere: not on the logout request, not to the provider's revocation endpoint.

const ORIGIN = 'https://app.example'
const ISSUER = 'https://id.example'

interface Sent {
  url: string
  authorization: string | null
  body: string
}

function createNetwork() {
  const sent: Sent[] = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    const body = await request.clone().text()
    sent.push({ url: request.url, authorization: request.headers.get('Authorization'), body })
    const { pathname } = new URL(request.url)
    if (pathname === '/.well-known/openid-configuration') return discoveryDocument(ISSUER)
    if (pathname === '/token/revocation') return new Response(null, { status: 200 })
    if (pathname === '/auth/login')
      return Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600 })
    return new Response(null, { status: 204 })
  }
  return { sent, fetch }
}

function worker(databaseName: string, network: ReturnType<typeof createNetwork>, options: TokenProxyOptions) {
  return proxyOverFakes(options, { origin: ORIGIN, fetch: network.fetch, store: new TokenStore(databaseName) })
}

const FIRST: TokenProxyOptions = {
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', clientId: 'spa' },
  logout: '/auth/logout',
}

const RECONFIGURED: Record<string, TokenProxyOptions> = {
  'another refresh endpoint': { ...FIRST, refresh: { url: '/auth/v2/refresh', clientId: 'spa' } },
  'an OpenID provider with revocation': {
    api: ['/api/'],
    oidc: openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }),
    logout: '/auth/logout',
  },
}

/** A session stored by the first configuration, then a worker configured with `options` over it. */
async function storedByFirstMetBy(options: TokenProxyOptions) {
  const databaseName = `logout-other-issuer-${crypto.randomUUID()}`
  const network = createNetwork()
  await worker(databaseName, network, FIRST).handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  network.sent.length = 0
  return { databaseName, network, updated: worker(databaseName, network, options) }
}

/** What a server could tell about the ended session from what reached it. */
const whatWentOut = (sent: Sent[]) => ({
  logout: sent.filter(({ url }) => url === `${ORIGIN}/auth/logout`).map(({ authorization }) => authorization),
  carryingSessionTokens: sent.filter(({ authorization, body }) =>
    [authorization ?? '', body].some((text) => /\b(at|rt)-1\b/.test(text)),
  ).length,
})

describe.each(Object.entries(RECONFIGURED))('logout of a session issued elsewhere (a worker with %s)', (_, options) => {
  it("does not send the ended session's tokens with the intercepted logout request, nor to revocation", async () => {
    const { databaseName, network, updated } = await storedByFirstMetBy(options)

    expect((await updated.handle(new Request(`${ORIGIN}/auth/logout`, { method: 'POST' }))).status).toBe(204)

    expect(whatWentOut(network.sent)).toEqual({ logout: [null], carryingSessionTokens: 0 })
    // The session is still over, and the tabs were told.
    expect((await new TokenStore(databaseName).reload()).tokens).toBeNull()
    expect(updated.broadcasts).toEqual(['SESSION_ENDED'])
  })

  it("does not send the ended session's tokens from proxy.logout(), nor to revocation", async () => {
    const { databaseName, network, updated } = await storedByFirstMetBy(options)

    await logOutAndSettle(updated.proxy)

    expect(whatWentOut(network.sent)).toEqual({ logout: [null], carryingSessionTokens: 0 })
    expect((await new TokenStore(databaseName).reload()).tokens).toBeNull()
  })
})

describe('logout of a session this configuration issued (control)', () => {
  it('sends its access token with the logout request', async () => {
    const { network, updated } = await storedByFirstMetBy(FIRST)

    await logOutAndSettle(updated.proxy)

    expect(whatWentOut(network.sent)).toEqual({ logout: ['Bearer at-1'], carryingSessionTokens: 1 })
  })
})
