import { EmbeddedJWK, calculateJwkThumbprint, generateKeyPair, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { DpopSender } from '../dpop/DpopSender.js'
import type { OidcSignIn } from '../oidcPlugin.js'
import type { PendingSignIn } from '../tokenStore.js'
import { idToken } from '../testOidcProvider.js'
import { openIdConnect } from './openIdConnect.js'

// DPoP in the OpenID mode (Policy 14, docs/behaviour.md): the plug-in over a scripted provider that verifies every
// proof (RFC 9449 §4.3), demands its nonce, and records what it saw. oauth4webapi does the protocol.

const ORIGIN = 'https://app.example'
const ISSUER = 'https://id.example'

interface ProviderRecord {
  path: string
  grant: string | null
  /** The verified proof's key thumbprint, `htu` and nonce; `null` without a proof. */
  proof: { jkt: string; htu: unknown; nonce: unknown } | null
  status: number
}

let signingKey: CryptoKey

beforeAll(async () => {
  signingKey = (await generateKeyPair('RS256')).privateKey
})

/** The provider: nonces required at the token endpoint (`nonce`, changed with `rotate()`). */
function createProvider() {
  const records: ProviderRecord[] = []
  const state = { nonce: 'n-1', issued: 0, alwaysChallenge: false, idTokenNonce: '' }
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    if (url.pathname === '/.well-known/openid-configuration')
      return Response.json({
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/auth`,
        token_endpoint: `${ISSUER}/token`,
        revocation_endpoint: `${ISSUER}/token/revocation`,
        dpop_signing_alg_values_supported: ['ES256'],
      })
    const form = new URLSearchParams(await request.text())
    const header = request.headers.get('DPoP')
    let proof: ProviderRecord['proof'] = null
    if (header !== null) {
      const verified = await jwtVerify(header, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] })
      proof = {
        jkt: await calculateJwkThumbprint(verified.protectedHeader.jwk!),
        htu: verified.payload['htu'],
        nonce: verified.payload['nonce'],
      }
    }
    const record: ProviderRecord = { path: url.pathname, grant: form.get('grant_type'), proof, status: 200 }
    records.push(record)
    if (url.pathname === '/token/revocation') return new Response(null, { status: 200 })
    if (proof !== null && (proof.nonce !== state.nonce || state.alwaysChallenge)) {
      record.status = 400
      if (state.alwaysChallenge) state.nonce = crypto.randomUUID()
      return Response.json(
        { error: 'use_dpop_nonce', error_description: 'nonce required' },
        { status: 400, headers: { 'DPoP-Nonce': state.nonce } },
      )
    }
    state.issued += 1
    const id_token = await idToken(ISSUER, signingKey, state.idTokenNonce)
    return Response.json({
      access_token: `at-${state.issued}`,
      refresh_token: `rt-${state.issued}`,
      token_type: proof ? 'DPoP' : 'Bearer',
      expires_in: 60,
      ...(form.get('grant_type') === 'authorization_code' && { id_token }),
    })
  }
  return { records, state, fetch }
}

function setUp() {
  const provider = createProvider()
  const pending = new Map<string, PendingSignIn>()
  const dpop = new DpopSender({ fetch: provider.fetch, now: () => Date.now() })
  const oidc: OidcSignIn = openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }).create({
    origin: ORIGIN,
    fetch: provider.fetch,
    now: () => Date.now(),
    resources: [],
    dpop,
    pendingSignIns: {
      save: (state, signIn) => (pending.set(state, signIn), Promise.resolve()),
      take: (state) => {
        const signIn = pending.get(state)
        pending.delete(state)
        return Promise.resolve(signIn)
      },
    },
  })
  return { provider, pending, oidc }
}

/** Goes to the provider and back: the callback URL for the sign-in `authorizationUrl` started. */
function callbackFor(authorizationUrl: string, provider: ReturnType<typeof createProvider>): string {
  const parameters = new URL(authorizationUrl).searchParams
  provider.state.idTokenNonce = parameters.get('nonce')!
  return `${ORIGIN}/callback?code=the-code&state=${parameters.get('state')!}`
}

describe('openIdConnect with DPoP', () => {
  it('makes the key before the redirect, binds the code to it, and proves the exchange, answering one nonce challenge', async () => {
    const { provider, pending, oidc } = setUp()
    const url = await oidc.beginSignIn('/after')
    const [stored] = [...pending.values()]
    expect(stored!.dpopKey!.privateKey).toMatchObject({ extractable: false, type: 'private' })

    const completed = await oidc.completeSignIn(callbackFor(url, provider))

    expect(completed.tokens).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1', tokenType: 'DPoP' })
    expect(completed.returnTo).toBe('/after')
    expect(completed.dpopKey).toBe(stored!.dpopKey)
    expect(pending.size).toBe(0)
    const jkt = await calculateJwkThumbprint(stored!.dpopKey!.publicJwk)
    expect(new URL(url).searchParams.get('dpop_jkt')).toBe(jkt)
    expect(provider.records.map((record) => `${record.grant} ${record.status} ${String(record.proof?.nonce)}`)).toEqual(
      ['authorization_code 400 undefined', 'authorization_code 200 n-1'],
    )
    expect(
      provider.records.every((record) => record.proof?.jkt === jkt && record.proof.htu === `${ISSUER}/token`),
    ).toBe(true)
  })

  it('proves every refresh with the session key; a nonce challenge costs one retry inside the one refresh', async () => {
    const { provider, oidc } = setUp()
    const { dpopKey } = await oidc.completeSignIn(callbackFor(await oidc.beginSignIn(null), provider))
    provider.records.length = 0

    // The nonce from the exchange is remembered for the key, even as read again from the store
    // (a new CryptoKey object for the same key): no challenge.
    expect(await oidc.refresh('rt-1', { dpopKey: structuredClone(dpopKey) })).toMatchObject({
      kind: 'renewed',
      tokens: { tokenType: 'DPoP' },
    })
    // A new nonce: challenged once, retried once.
    provider.state.nonce = 'n-2'
    expect(await oidc.refresh('rt-2', { dpopKey })).toMatchObject({ kind: 'renewed' })
    expect(provider.records.map((record) => `${record.status} ${String(record.proof?.nonce)}`)).toEqual([
      '200 n-1',
      '400 n-1',
      '200 n-2',
    ])
    const jkt = await calculateJwkThumbprint(dpopKey!.publicJwk)
    expect(provider.records.every((record) => record.grant === 'refresh_token' && record.proof?.jkt === jkt)).toBe(true)
  })

  it('treats a refresh still challenged after its one retry as a passing failure, never the end of the session', async () => {
    const { provider, oidc } = setUp()
    const { dpopKey } = await oidc.completeSignIn(callbackFor(await oidc.beginSignIn(null), provider))
    provider.records.length = 0
    provider.state.alwaysChallenge = true

    expect(await oidc.refresh('rt-1', { dpopKey })).toEqual({
      kind: 'failed',
      reason: 'http_400',
      retryAfterMs: undefined,
    })
    expect(provider.records).toHaveLength(2)
  })

  it('proves the revocation with the session key', async () => {
    const { provider, oidc } = setUp()
    const { dpopKey } = await oidc.completeSignIn(callbackFor(await oidc.beginSignIn(null), provider))

    expect(await oidc.revoke('rt-1', dpopKey)).toBe(true)
    const revocation = provider.records.at(-1)!
    expect(revocation.path).toBe('/token/revocation')
    expect(revocation.proof).toMatchObject({
      jkt: await calculateJwkThumbprint(dpopKey!.publicJwk),
      htu: `${ISSUER}/token/revocation`,
    })
  })

  it('without dpop, sends no proof and keeps no key', async () => {
    const provider = createProvider()
    const pending = new Map<string, PendingSignIn>()
    const oidc = openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }).create({
      origin: ORIGIN,
      fetch: provider.fetch,
      now: () => Date.now(),
      resources: [],
      pendingSignIns: {
        save: (state, signIn) => (pending.set(state, signIn), Promise.resolve()),
        take: (state) => Promise.resolve(pending.get(state)),
      },
    })
    const url = await oidc.beginSignIn(null)
    expect(new URL(url).searchParams.has('dpop_jkt')).toBe(false)
    const completed = await oidc.completeSignIn(callbackFor(url, provider))
    expect(completed.dpopKey).toBeUndefined()
    expect(completed.tokens.tokenType).toBeUndefined()
    expect(provider.records.map((record) => record.proof)).toEqual([null])
  })
})
