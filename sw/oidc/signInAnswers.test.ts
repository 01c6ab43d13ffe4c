import { generateKeyPair } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { TokenProxyError } from '../../protocol/errors.js'
import { discoveryDocument, idToken, pendingSignInsInMemory } from '../testOidcProvider.js'
import { openIdConnect } from './openIdConnect.js'

// What the code exchange's answer must be for a sign-in to complete, without DPoP: an ID token
// for the openid scope, a bearer token, and a callback on the redirect URI's own origin.

const ISSUER = 'https://id.example'
const ORIGIN = 'https://app.example'

let signingKey: CryptoKey
beforeAll(async () => {
  ;({ privateKey: signingKey } = await generateKeyPair('RS256'))
})

function setUp(answer: (nonce: string) => Promise<Record<string, unknown>>) {
  const { pendingSignIns, lastNonce } = pendingSignInsInMemory()
  const client = openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }).create({
    origin: ORIGIN,
    now: () => Date.now(),
    resources: [],
    pendingSignIns,
    fetch: async (input) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.pathname === '/.well-known/openid-configuration') return discoveryDocument(ISSUER)
      return Response.json(await answer(lastNonce()))
    },
  })
  const begin = async (origin = ORIGIN) => {
    const state = new URL(await client.beginSignIn(null)).searchParams.get('state')!
    return `${origin}/callback?code=the-code&state=${state}`
  }
  return { client, begin }
}

const failureOf = (attempt: Promise<unknown>) =>
  attempt.then(
    () => expect.unreachable('the sign-in completed'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(TokenProxyError)
      return error as TokenProxyError
    },
  )

describe('the answer that completes a sign-in', () => {
  it('must carry an ID token, since the scope asks for openid', async () => {
    const { client, begin } = setUp(() =>
      Promise.resolve({ access_token: 'at-1', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt-1' }),
    )
    const failure = await failureOf(client.completeSignIn(await begin()))
    expect(failure).toMatchObject({ code: 'ERR_SIGN_IN_FAILED', reason: 'invalid_response' })
  })

  it('must be a bearer token without dpop: true, refused as the token response it is', async () => {
    const { client, begin } = setUp(async (nonce) => ({
      access_token: 'at-1',
      token_type: 'DPoP',
      expires_in: 300,
      id_token: await idToken(ISSUER, signingKey, nonce),
    }))
    const failure = await failureOf(client.completeSignIn(await begin()))
    expect(failure).toMatchObject({ code: 'ERR_INVALID_TOKEN_RESPONSE' })
  })

  it('comes to a callback on the redirect URI itself: the same path on another origin is refused', async () => {
    const { client, begin } = setUp(async (nonce) => ({
      access_token: 'at-1',
      token_type: 'Bearer',
      id_token: await idToken(ISSUER, signingKey, nonce),
    }))
    const failure = await failureOf(client.completeSignIn(await begin('https://evil.example')))
    expect(failure).toMatchObject({ code: 'ERR_SIGN_IN_FAILED', reason: 'not_redirect_uri' })
  })
})

describe('the oidc options', () => {
  it('refuses null, as options that name no provider', () => {
    expect(() =>
      openIdConnect(null as never).create({
        origin: ORIGIN,
        now: () => 0,
        resources: [],
        pendingSignIns: { save: () => Promise.resolve(), take: () => Promise.resolve(undefined) },
        fetch: () => Promise.reject(new Error('unused')),
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }) as Error)
  })
})
