import { generateKeyPair } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/errors.js'
import type { OidcSignIn } from '../oidcPlugin.js'
import type { PendingSignIn } from '../tokenStore.js'
import { idToken } from '../testOidcProvider.js'
import { openIdConnect, type OidcOptions } from './openIdConnect.js'

// The OpenID plug-in over a scripted provider, without DPoP: what each of the provider's answers
// to a refresh, a revocation and a sign-in becomes (Policy 6), and which issuers may be plain http.

const ORIGIN = 'https://app.example'
const ISSUER = 'https://id.example'

let signingKey: CryptoKey
beforeAll(async () => {
  signingKey = (await generateKeyPair('RS256')).privateKey
})

type Answer = (request: Request) => Response | Promise<Response>

interface Provider {
  /** Replaces the token endpoint's answer. */
  token: Answer
  discovery: Answer
  revoked: string[]
  paths: string[]
  idTokenNonce: string
}

function setUp(options: Partial<OidcOptions> = {}, issuer = ISSUER) {
  const provider: Provider = {
    token: () => Response.json({ access_token: 'at-2', refresh_token: 'rt-2', token_type: 'Bearer', expires_in: 60 }),
    discovery: () =>
      Response.json({
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        revocation_endpoint: `${issuer}/revoke`,
      }),
    revoked: [],
    paths: [],
    idTokenNonce: '',
  }
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    const { pathname } = new URL(request.url)
    provider.paths.push(pathname)
    if (pathname === '/.well-known/openid-configuration') return provider.discovery(request)
    if (pathname === '/revoke') {
      provider.revoked.push(new URLSearchParams(await request.text()).get('token') ?? '')
      return new Response(null, { status: 200 })
    }
    return provider.token(request)
  }
  const pending = new Map<string, PendingSignIn>()
  const oidc: OidcSignIn = openIdConnect({ issuer, clientId: 'spa', redirectUri: '/callback', ...options }).create({
    origin: ORIGIN,
    fetch,
    now: () => Date.now(),
    resources: [],
    pendingSignIns: {
      save: (state, signIn) => (pending.set(state, signIn), Promise.resolve()),
      take: (state) => {
        const signIn = pending.get(state)
        pending.delete(state)
        return Promise.resolve(signIn)
      },
    },
  })
  return { provider, oidc }
}

describe('a refresh with the provider', () => {
  it('is a passing failure while the discovery document cannot be fetched, and reads it again later', async () => {
    const { provider, oidc } = setUp()
    const discovery = provider.discovery
    provider.discovery = () => Promise.reject(new TypeError('offline'))

    expect(await oidc.refresh('rt-1')).toEqual({ kind: 'failed', reason: 'network_error', retryAfterMs: undefined })

    provider.discovery = discovery
    expect(await oidc.refresh('rt-1')).toMatchObject({ kind: 'renewed', tokens: { accessToken: 'at-2' } })
  })

  it('ends the session when the provider refuses the grant, in its words when they are safe', async () => {
    const { provider, oidc } = setUp()

    provider.token = () => Response.json({ error: 'invalid_grant' }, { status: 400 })
    expect(await oidc.refresh('rt-1')).toEqual({ kind: 'ended', reason: 'invalid_grant' })

    provider.token = () => Response.json({ error: 'not <safe>' }, { status: 401 })
    expect(await oidc.refresh('rt-1')).toEqual({ kind: 'ended', reason: 'refresh_rejected' })
  })

  it('keeps the session on a 5xx, a 403 and an unreachable token endpoint', async () => {
    const { provider, oidc } = setUp()

    provider.token = () => new Response('busy', { status: 503, headers: { 'Retry-After': '7' } })
    expect(await oidc.refresh('rt-1')).toEqual({ kind: 'failed', reason: 'http_503', retryAfterMs: 7000 })

    provider.token = () => Response.json({ error: 'invalid_grant' }, { status: 403 })
    expect(await oidc.refresh('rt-1')).toEqual({ kind: 'failed', reason: 'http_403', retryAfterMs: undefined })

    provider.token = () => Promise.reject(new TypeError('offline'))
    expect(await oidc.refresh('rt-1')).toEqual({ kind: 'failed', reason: 'network_error', retryAfterMs: undefined })
  })

  it('does not accept a DPoP-bound token it did not ask for', async () => {
    const { provider, oidc } = setUp()
    provider.token = () =>
      Response.json({ access_token: 'at-2', refresh_token: 'rt-2', token_type: 'DPoP', expires_in: 60 })

    expect(await oidc.refresh('rt-1')).toMatchObject({ kind: 'failed', reason: 'malformed_response' })
  })
})

describe('revocation', () => {
  it('revokes at the provider’s revocation endpoint and says so', async () => {
    const { provider, oidc } = setUp()

    expect(await oidc.revoke('rt-1')).toBe(true)
    expect(provider.revoked).toEqual(['rt-1'])
  })

  it('answers false, sending nothing, when the provider has no revocation endpoint', async () => {
    const { provider, oidc } = setUp()
    provider.discovery = () => Response.json({ issuer: ISSUER, token_endpoint: `${ISSUER}/token` })

    expect(await oidc.revoke('rt-1')).toBe(false)
    expect(provider.paths).toEqual(['/.well-known/openid-configuration'])
  })
})

describe('plain http issuers', () => {
  it.each(['http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080'])(
    'are allowed on this machine (%s)',
    async (issuer) => {
      const { oidc } = setUp({}, issuer)

      expect(await oidc.refresh('rt-1')).toMatchObject({ kind: 'renewed' })
    },
  )

  it.each(['http://id.example', 'http://localhost.example'])('are refused elsewhere (%s)', async (issuer) => {
    const { oidc } = setUp({}, issuer)

    expect(await oidc.refresh('rt-1')).toMatchObject({ kind: 'failed', reason: 'network_error' })
  })
})

describe('the sign-in', () => {
  it('asks for the code flow with S256 PKCE and the default scope, and no resource unless an API names one', async () => {
    const { oidc } = setUp()

    const url = new URL(await oidc.beginSignIn(null))

    expect(url.searchParams.get('response_type')).toBe('code')
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('scope')).toBe('openid offline_access')
    expect(url.searchParams.getAll('resource')).toEqual([])
  })

  it('cannot start with a provider that has no authorization endpoint', async () => {
    const { provider, oidc } = setUp()
    provider.discovery = () => Response.json({ issuer: ISSUER, token_endpoint: `${ISSUER}/token` })

    await expect(oidc.beginSignIn(null)).rejects.toMatchObject({
      code: ErrorCode.SIGN_IN_FAILED,
      message: expect.stringContaining('authorization_endpoint') as unknown,
    })
  })

  it('refuses a callback on another page, and one that answers no sign-in in progress', async () => {
    const { oidc } = setUp()
    const state = new URL(await oidc.beginSignIn(null)).searchParams.get('state')!

    await expect(oidc.completeSignIn(`${ORIGIN}/other?code=c&state=${state}`)).rejects.toMatchObject({
      code: ErrorCode.SIGN_IN_FAILED,
      message: expect.stringContaining('redirectUri') as unknown,
    })
    await expect(oidc.completeSignIn(`https://evil.example/callback?code=c&state=${state}`)).rejects.toMatchObject({
      code: ErrorCode.SIGN_IN_FAILED,
    })
    await expect(oidc.completeSignIn(`${ORIGIN}/callback?code=c&state=unknown`)).rejects.toMatchObject({
      code: ErrorCode.SIGN_IN_FAILED,
      message: expect.stringContaining('sign-in in progress') as unknown,
    })
    await expect(oidc.completeSignIn(`${ORIGIN}/callback?code=c`)).rejects.toMatchObject({
      code: ErrorCode.SIGN_IN_FAILED,
      message: expect.stringContaining('sign-in in progress') as unknown,
    })
  })

  it('names the provider’s error code when it refused the sign-in', async () => {
    const { oidc } = setUp()
    const state = new URL(await oidc.beginSignIn(null)).searchParams.get('state')!

    await expect(oidc.completeSignIn(`${ORIGIN}/callback?error=access_denied&state=${state}`)).rejects.toMatchObject({
      code: ErrorCode.SIGN_IN_FAILED,
      message: expect.stringContaining('the provider answered "access_denied"') as unknown,
    })
  })

  it('names the provider’s error code when it refused the code', async () => {
    const { provider, oidc } = setUp()
    const state = new URL(await oidc.beginSignIn(null)).searchParams.get('state')!
    provider.token = () => Response.json({ error: 'invalid_grant' }, { status: 400 })

    await expect(oidc.completeSignIn(`${ORIGIN}/callback?code=c&state=${state}`)).rejects.toMatchObject({
      code: ErrorCode.SIGN_IN_FAILED,
      message: expect.stringContaining('the provider answered "invalid_grant"') as unknown,
    })
  })

  it('redeems the code, with an ID token checked against the sign-in’s nonce', async () => {
    const { provider, oidc } = setUp()
    const url = new URL(await oidc.beginSignIn('/home'))
    const nonce = url.searchParams.get('nonce')!
    provider.token = async () =>
      Response.json({
        access_token: 'at-1',
        refresh_token: 'rt-1',
        token_type: 'Bearer',
        expires_in: 60,
        id_token: await idToken(ISSUER, signingKey, nonce),
      })

    const completed = await oidc.completeSignIn(`${ORIGIN}/callback?code=c&state=${url.searchParams.get('state')!}`)

    expect(completed).toMatchObject({ returnTo: '/home', tokens: { accessToken: 'at-1' } })
    expect(completed).not.toHaveProperty('dpopKey')
  })
})

describe('invalid options', () => {
  const create = (options: unknown) =>
    openIdConnect(options as OidcOptions).create({
      origin: ORIGIN,
      fetch: globalThis.fetch,
      now: () => Date.now(),
      resources: [],
      pendingSignIns: { save: () => Promise.resolve(), take: () => Promise.resolve(undefined) },
    })

  it.each([
    ['no options', null],
    ['an empty clientId', { issuer: ISSUER, clientId: '', redirectUri: '/callback' }],
    ['a clientId that is not a string', { issuer: ISSUER, clientId: 7, redirectUri: '/callback' }],
  ])('are refused: %s', (_what, options) => {
    expect(() => create(options)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }) as Error)
  })
})
