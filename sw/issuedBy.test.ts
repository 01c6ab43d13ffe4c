import 'fake-indexeddb/auto'
import { generateKeyPair } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BroadcastPayloads, BroadcastType } from '../protocol/messages.js'
import { openIdConnect } from './oidc/openIdConnect.js'
import type { TokenProxyOptions } from './glossary.js'
import { TokenStore } from './tokenStore.js'
import { discoveryDocument, idToken } from './testOidcProvider.js'
import { proxyOverFakes } from './testProxy.js'

// Policy 10: a session records the configuration that issued it, client included. A worker
// reconfigured to another client (of the same refresh endpoint, or of the same OpenID issuer)
// ends the stored session (`configuration_changed`) instead of sending its tokens: a refresh token
// is bound to the client it was issued to, and presenting it as another client leaks it there.

const ORIGIN = 'https://app.example'
const ISSUER = 'https://id.example'

let signingKey: CryptoKey

beforeAll(async () => {
  signingKey = (await generateKeyPair('RS256')).privateKey
})

interface Sent {
  method: string
  url: string
  authorization: string | null
  body: string
}

/**
 * The network: the app's auth endpoints, its API (always 401, so a worker that still holds the
 * session would refresh), and an OpenID provider that signs in the client `spa`.
 */
function createNetwork() {
  const sent: Sent[] = []
  const provider = { idTokenNonce: '' }
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    const body = await request.clone().text()
    sent.push({ method: request.method, url: request.url, authorization: request.headers.get('Authorization'), body })
    const { origin, pathname } = new URL(request.url)
    if (origin === ISSUER) {
      if (pathname === '/.well-known/openid-configuration') return discoveryDocument(ISSUER)
      if (pathname === '/token/revocation') return new Response(null, { status: 200 })
      const form = new URLSearchParams(body)
      if (form.get('grant_type') === 'refresh_token') return tokens('at-2', 'rt-2')
      const id_token = await idToken(ISSUER, signingKey, provider.idTokenNonce)
      return Response.json({ ...(await tokens('at-1', 'rt-1').json()), id_token })
    }
    if (pathname === '/auth/login') return tokens('at-1', 'rt-1')
    if (pathname === '/auth/refresh') return tokens('at-2', 'rt-2')
    return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
  }
  return { sent, provider, fetch }
}

function tokens(access: string, refresh: string): Response {
  return Response.json({ access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: 3600 })
}

/** One worker version over the shared database and network. */
function worker(databaseName: string, network: ReturnType<typeof createNetwork>, options: TokenProxyOptions) {
  const broadcasts: Array<{ type: BroadcastType; payload: BroadcastPayloads[BroadcastType] }> = []
  const { proxy, handle } = proxyOverFakes(options, {
    origin: ORIGIN,
    fetch: network.fetch,
    store: new TokenStore(databaseName),
    broadcast: (type, payload) => (broadcasts.push({ type, payload }), Promise.resolve()),
    now: () => Date.now(),
  })
  return { proxy, handle, broadcasts }
}

/** Whether any request that went out carries one of the session's tokens, anywhere. */
const carriesSessionToken = ({ authorization, body }: Sent) =>
  [authorization ?? '', body].some((text) => /\b(at|rt)-1\b/.test(text))

/** The reconfigured worker's answer to one API call, and what it did about the stored session. */
async function callApiAfterReconfiguring(
  network: ReturnType<typeof createNetwork>,
  updated: ReturnType<typeof worker>,
) {
  network.sent.length = 0
  const response = await updated.handle(new Request(`${ORIGIN}/api/me`))
  return {
    status: response.status,
    sent: network.sent.map(({ method, url, authorization }) => `${method} ${url} ${authorization}`),
    leaked: network.sent.filter(carriesSessionToken).length,
    session: await updated.proxy.status(),
    broadcasts: updated.broadcasts,
  }
}

const ENDED_HERE = {
  status: 401,
  sent: [`GET ${ORIGIN}/api/me null`],
  leaked: 0,
  session: { authenticated: false, expiresAt: null },
  broadcasts: [{ type: 'SESSION_EXPIRED', payload: { reason: 'configuration_changed' } }],
}

describe("a session records its refresh endpoint's client as part of its issuer", () => {
  const plain = (clientId: string | undefined): TokenProxyOptions => ({
    api: ['/api/'],
    tokenEndpoints: ['/auth/login'],
    refresh: { url: '/auth/refresh', ...(clientId !== undefined && { clientId }) },
  })

  it.each([
    ['another client_id', 'spa', 'spa-admin'],
    ['a client_id where there was none', undefined, 'spa'],
    ['no client_id where there was one', 'spa', undefined],
  ])(
    'does not send the stored tokens to a worker reconfigured with %s, and ends the session',
    async (_what, before, after) => {
      const databaseName = `issued-by-${crypto.randomUUID()}`
      const network = createNetwork()
      const first = worker(databaseName, network, plain(before))
      await first.handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
      expect(await first.proxy.status()).toMatchObject({ authenticated: true })

      const updated = worker(databaseName, network, plain(after))

      expect(await callApiAfterReconfiguring(network, updated)).toEqual(ENDED_HERE)
    },
  )

  it('keeps the session for a worker configured with the same client (control)', async () => {
    const databaseName = `issued-by-${crypto.randomUUID()}`
    const network = createNetwork()
    const first = worker(databaseName, network, plain('spa'))
    await first.handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))

    const restarted = worker(databaseName, network, plain('spa'))
    network.sent.length = 0
    await restarted.handle(new Request(`${ORIGIN}/api/me`))

    expect(network.sent.map(({ url, authorization }) => `${new URL(url).pathname} ${authorization}`)).toEqual([
      '/api/me Bearer at-1',
      '/auth/refresh null',
      '/api/me Bearer at-2',
    ])
  })
})

describe('a session records its OpenID client as part of its issuer', () => {
  const oidc = (clientId: string): TokenProxyOptions => ({
    api: ['/api/'],
    oidc: openIdConnect({ issuer: ISSUER, clientId, redirectUri: '/callback' }),
  })

  async function signedInWith(clientId: string) {
    const databaseName = `issued-by-${crypto.randomUUID()}`
    const network = createNetwork()
    const first = worker(databaseName, network, oidc(clientId))
    const parameters = new URL(await first.proxy.signIn(null)).searchParams
    network.provider.idTokenNonce = parameters.get('nonce')!
    await first.proxy.completeSignIn(`${ORIGIN}/callback?code=the-code&state=${parameters.get('state')!}`)
    expect(await first.proxy.status()).toMatchObject({ authenticated: true })
    return { databaseName, network }
  }

  it('does not send the stored tokens to a worker reconfigured to another client of the same issuer, and ends the session', async () => {
    const { databaseName, network } = await signedInWith('spa')

    const updated = worker(databaseName, network, oidc('spa-admin'))

    expect(await callApiAfterReconfiguring(network, updated)).toEqual(ENDED_HERE)
  })

  it('keeps the session for a worker configured with the same client (control)', async () => {
    const { databaseName, network } = await signedInWith('spa')

    const restarted = worker(databaseName, network, oidc('spa'))
    network.sent.length = 0
    await restarted.handle(new Request(`${ORIGIN}/api/me`))

    expect(
      network.sent
        .filter(({ url }) => !url.endsWith('/openid-configuration'))
        .map(({ url, authorization }) => `${url} ${authorization}`),
    ).toEqual([`${ORIGIN}/api/me Bearer at-1`, `${ISSUER}/token null`, `${ORIGIN}/api/me Bearer at-2`])
  })
})
