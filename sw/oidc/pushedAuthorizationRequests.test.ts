import { calculateJwkThumbprint, generateKeyPair } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { TokenProxyError } from '../../protocol/errors.js'
import { DpopSender } from '../dpop/DpopSender.js'
import { idToken, pendingSignInsInMemory } from '../testOidcProvider.js'
import { openIdConnect, type OidcOptions } from './openIdConnect.js'

// Pushed authorization requests (RFC 9126) in the OpenID mode, over a scripted provider that
// records every request it gets: what the worker pushes, what the browser is sent to, and what
// becomes of a provider's refusal.
const ISSUER = 'https://id.example'
const ORIGIN = 'https://app.example'
const REQUEST_URI = 'urn:ietf:params:oauth:request_uri:pushed-1'

let signingKey: CryptoKey
beforeAll(async () => {
  ;({ privateKey: signingKey } = await generateKeyPair('RS256'))
})

interface Scripted {
  /** What the discovery document says of PAR. */
  par: 'none' | 'offered' | 'required' | 'required-without-endpoint'
  /** How the PAR endpoint answers; `'unreachable'`: it never does. */
  pushAnswer: (() => Response) | 'unreachable'
}

interface Pushed {
  body: URLSearchParams
  /** Whether the request carried a `DPoP` proof header. */
  proved: boolean
  contentType: string | null
}

function setUp(options: Partial<OidcOptions> = {}, scripted: Partial<Scripted> = {}, { dpop = false } = {}) {
  const script: Scripted = {
    par: 'offered',
    pushAnswer: () => Response.json({ request_uri: REQUEST_URI, expires_in: 60 }, { status: 201 }),
    ...scripted,
  }
  const pushed: Pushed[] = []
  const paths: string[] = []
  const { pendingSignIns, lastNonce } = pendingSignInsInMemory()
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    const { pathname } = new URL(request.url)
    paths.push(pathname)
    if (pathname === '/.well-known/openid-configuration')
      return Response.json({
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/auth`,
        token_endpoint: `${ISSUER}/token`,
        ...(script.par !== 'none' &&
          script.par !== 'required-without-endpoint' && { pushed_authorization_request_endpoint: `${ISSUER}/par` }),
        ...(script.par.startsWith('required') && { require_pushed_authorization_requests: true }),
      })
    if (pathname === '/par') {
      if (script.pushAnswer === 'unreachable') throw new TypeError('Failed to fetch')
      pushed.push({
        body: new URLSearchParams(await request.text()),
        proved: request.headers.has('DPoP'),
        contentType: request.headers.get('content-type'),
      })
      return script.pushAnswer()
    }
    if (pathname === '/token')
      return Response.json({
        access_token: 'at-1',
        token_type: dpop ? 'DPoP' : 'Bearer',
        expires_in: 300,
        refresh_token: 'rt-1',
        id_token: await idToken(ISSUER, signingKey, lastNonce()),
      })
    return new Response(null, { status: 404 })
  }
  const sender = dpop ? new DpopSender({ fetch, now: () => Date.now() }) : undefined
  const client = openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback', ...options }).create({
    origin: ORIGIN,
    now: () => Date.now(),
    resources: ['https://api.example/'],
    pendingSignIns,
    fetch,
    ...(sender && { dpop: sender }),
  })
  return { client, pushed, paths, script }
}

async function failureOf(attempt: Promise<unknown>): Promise<TokenProxyError> {
  const error = await attempt.then(
    () => undefined,
    (failure: unknown) => failure,
  )
  expect(error).toBeInstanceOf(TokenProxyError)
  return error as TokenProxyError
}

/** The query parameters of the URL the browser is sent to, by name. */
const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams)

describe('pushed authorization requests (RFC 9126)', () => {
  it('auto, with a provider that offers PAR: pushes the whole request; the browser gets only client_id and request_uri', async () => {
    const { client, pushed } = setUp()
    const url = await client.beginSignIn('/home')

    expect(url.startsWith(`${ISSUER}/auth?`)).toBe(true)
    expect(queryOf(url)).toEqual({ client_id: 'spa', request_uri: REQUEST_URI })
    expect(pushed).toHaveLength(1)
    const [{ body, contentType }] = pushed as [Pushed]
    expect(contentType).toMatch(/^application\/x-www-form-urlencoded/)
    expect([...new Set(body.keys())].sort()).toEqual([
      'client_id',
      'code_challenge',
      'code_challenge_method',
      'nonce',
      'redirect_uri',
      'resource',
      'response_type',
      'scope',
      'state',
    ])
    expect(body.get('client_id')).toBe('spa')
    expect(body.get('redirect_uri')).toBe(`${ORIGIN}/callback`)
    expect(body.get('response_type')).toBe('code')
    expect(body.get('scope')).toBe('openid offline_access')
    expect(body.get('code_challenge_method')).toBe('S256')
    expect(body.get('code_challenge')).toMatch(/^[\w-]{43}$/)
    expect(body.getAll('resource')).toEqual(['https://api.example/'])
  })

  it('the pushed code_challenge is the verifier’s, and the callback completes the sign-in as without PAR', async () => {
    const { client, pushed } = setUp()
    await client.beginSignIn('/home')
    const body = pushed[0]!.body

    const completed = await client.completeSignIn(
      `${ORIGIN}/callback?code=the-code&state=${body.get('state')!}&iss=${encodeURIComponent(ISSUER)}`,
    )

    expect(completed).toMatchObject({ tokens: { accessToken: 'at-1', refreshToken: 'rt-1' }, returnTo: '/home' })
  })

  it('a step-up pushes its acr_values and max_age, winning over authorizationParams, which are pushed too', async () => {
    const { client, pushed } = setUp({ authorizationParams: { prompt: 'consent', acr_values: 'urn:example:default' } })
    const url = await client.beginSignIn('/pay', { acrValues: 'urn:example:strong', maxAge: 0 })

    expect(queryOf(url)).toEqual({ client_id: 'spa', request_uri: REQUEST_URI })
    const body = pushed[0]!.body
    expect(body.getAll('acr_values')).toEqual(['urn:example:strong'])
    expect(body.get('max_age')).toBe('0')
    expect(body.get('prompt')).toBe('consent')
  })

  it('with DPoP, pushes dpop_jkt, the thumbprint of the key made for the sign-in (no proof on the PAR request)', async () => {
    const { client, pushed } = setUp({}, {}, { dpop: true })
    const url = await client.beginSignIn(null)

    expect(queryOf(url)).toEqual({ client_id: 'spa', request_uri: REQUEST_URI })
    const body = pushed[0]!.body
    expect(body.get('dpop_jkt')).toMatch(/^[\w-]{43}$/)
    expect(pushed[0]!.proved).toBe(false)
    const completed = await client.completeSignIn(`${ORIGIN}/callback?code=the-code&state=${body.get('state')!}`)
    expect(body.get('dpop_jkt')).toBe(await calculateJwkThumbprint(completed.dpopKey!.publicJwk))
  })

  it('auto, with a provider that requires PAR: pushes', async () => {
    const { client, pushed } = setUp({ pushedAuthorizationRequests: 'auto' }, { par: 'required' })
    expect(queryOf(await client.beginSignIn(null))).toEqual({ client_id: 'spa', request_uri: REQUEST_URI })
    expect(pushed).toHaveLength(1)
  })

  it('auto, with a provider without PAR: the whole request in the URL, nothing pushed', async () => {
    const { client, pushed, paths } = setUp({}, { par: 'none' })
    const query = queryOf(await client.beginSignIn(null))

    expect(query).toMatchObject({ client_id: 'spa', response_type: 'code', code_challenge_method: 'S256' })
    expect(query).not.toHaveProperty('request_uri')
    expect(pushed).toEqual([])
    expect(paths).toEqual(['/.well-known/openid-configuration'])
  })

  it('false: never pushes, even to a provider that offers PAR', async () => {
    const { client, pushed, paths } = setUp({ pushedAuthorizationRequests: false }, { par: 'required' })
    const query = queryOf(await client.beginSignIn(null, { acrValues: 'urn:example:strong' }))

    expect(query).toMatchObject({ client_id: 'spa', acr_values: 'urn:example:strong', code_challenge_method: 'S256' })
    expect(query).not.toHaveProperty('request_uri')
    expect(pushed).toEqual([])
    expect(paths).not.toContain('/par')
  })

  it('true: pushes to a provider that offers PAR', async () => {
    const { client, pushed } = setUp({ pushedAuthorizationRequests: true })
    expect(queryOf(await client.beginSignIn(null))).toEqual({ client_id: 'spa', request_uri: REQUEST_URI })
    expect(pushed).toHaveLength(1)
  })

  it('true, with a provider whose discovery names no PAR endpoint: provider_misconfigured, saying what to do', async () => {
    const { client, paths } = setUp({ pushedAuthorizationRequests: true }, { par: 'none' })
    const failure = await failureOf(client.beginSignIn(null))

    expect(failure).toMatchObject({ code: 'ERR_SIGN_IN_FAILED', reason: 'provider_misconfigured' })
    expect(failure.message).toBe(
      '[sw-token-proxy] Failed to start the sign-in: the provider has no pushed_authorization_request_endpoint. Turn pushed authorization requests on at the provider, or set oidc.pushedAuthorizationRequests to false.',
    )
    expect(paths).toEqual(['/.well-known/openid-configuration'])
  })

  it('auto, with a provider that requires PAR but names no endpoint: provider_misconfigured', async () => {
    const { client } = setUp({}, { par: 'required-without-endpoint' })
    const failure = await failureOf(client.beginSignIn(null))
    expect(failure).toMatchObject({ code: 'ERR_SIGN_IN_FAILED', reason: 'provider_misconfigured' })
    expect(failure.message).toMatch(/^\[sw-token-proxy\] Failed to start the sign-in: the provider has no pushed_/)
  })

  it('a provider that refuses the push: ERR_SIGN_IN_FAILED with its error, never its description nor the request', async () => {
    const { client, pushed } = setUp(
      {},
      {
        pushAnswer: () =>
          Response.json(
            { error: 'invalid_request', error_description: 'redirect_uri not registered: secret-looking detail' },
            { status: 400 },
          ),
      },
    )
    const failure = await failureOf(client.beginSignIn('/home'))

    expect(failure).toMatchObject({ code: 'ERR_SIGN_IN_FAILED', reason: 'invalid_request' })
    expect(failure.message).toBe(
      '[sw-token-proxy] Failed to start the sign-in: the provider answered the pushed authorization request "invalid_request". Check the client registration at the provider, or set oidc.pushedAuthorizationRequests to false.',
    )
    const body = pushed[0]!.body
    for (const secret of ['state', 'nonce', 'code_challenge'])
      expect(JSON.stringify(failure.toJSON())).not.toContain(body.get(secret)!)
    expect(failure.message).not.toContain('secret-looking detail')
  })

  it('a client the PAR endpoint does not authenticate (401 with a challenge): its error', async () => {
    const { client } = setUp(
      {},
      {
        pushAnswer: () =>
          new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_client"' } }),
      },
    )
    expect(await failureOf(client.beginSignIn(null))).toMatchObject({
      code: 'ERR_SIGN_IN_FAILED',
      reason: 'invalid_client',
    })
  })

  it('a PAR endpoint that answers no request_uri: invalid_response, with the status', async () => {
    const { client } = setUp({}, { pushAnswer: () => new Response('down for maintenance', { status: 503 }) })
    const failure = await failureOf(client.beginSignIn(null))
    expect(failure).toMatchObject({ code: 'ERR_SIGN_IN_FAILED', reason: 'invalid_response' })
    expect(failure.message).toContain('with HTTP 503, not a request_uri')
  })

  it('a PAR endpoint that cannot be reached: provider_unreachable', async () => {
    const { client } = setUp({}, { pushAnswer: 'unreachable' })
    const failure = await failureOf(client.beginSignIn(null))
    expect(failure).toMatchObject({ code: 'ERR_SIGN_IN_FAILED', reason: 'provider_unreachable' })
    expect(failure.message).toMatch(
      /^\[sw-token-proxy\] Failed to start the sign-in: the provider could not be reached/,
    )
  })

  it('a refused push leaves no sign-in in progress behind: no callback can complete it', async () => {
    const { client, pushed, script } = setUp()
    script.pushAnswer = () => Response.json({ error: 'invalid_scope' }, { status: 400 })
    await failureOf(client.beginSignIn(null))
    const state = pushed[0]!.body.get('state')!

    const failure = await failureOf(client.completeSignIn(`${ORIGIN}/callback?code=c&state=${state}`))
    expect(failure).toMatchObject({ reason: 'state_mismatch' })
  })

  for (const value of ['yes', 1, null, 'required'])
    it(`refuses pushedAuthorizationRequests: ${JSON.stringify(value)} when the worker installs`, () => {
      expect(() => setUp({ pushedAuthorizationRequests: value as never })).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_OPTIONS',
          message:
            '[sw-token-proxy] Failed to install the token proxy: "oidc.pushedAuthorizationRequests" must be "auto", true or false. Fix the options passed to installTokenProxy().',
        }) as Error,
      )
    })
})
