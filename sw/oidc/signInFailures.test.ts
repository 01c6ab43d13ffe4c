import { generateKeyPair } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { TokenProxyError } from '../../protocol/errors.js'
import { answerRequest } from '../answerRequest.js'
import type { TokenProxy } from '../createTokenProxy.js'
import { discoveryDocument, idToken, pendingSignInsInMemory } from '../testOidcProvider.js'
import { openIdConnect } from './openIdConnect.js'

// A failed sign-in says why in a stable `reason`, so an app can tell "you cancelled" from
// "misconfigured" without reading the message (which may be reworded).
const ISSUER = 'https://id.example'
const ORIGIN = 'https://app.example'

let signingKey: CryptoKey
beforeAll(async () => {
  ;({ privateKey: signingKey } = await generateKeyPair('RS256'))
})

interface Provider {
  /** How the token endpoint answers the code exchange. */
  token: (nonce: string) => Promise<Response>
  /** Whether the provider answers at all. */
  reachable: boolean
  /** Whether the discovery document names an authorization endpoint. */
  authorizationEndpoint: boolean
}

function setUp(provider: Partial<Provider> = {}) {
  const scripted: Provider = {
    token: async (nonce) =>
      Response.json({
        access_token: 'at-1',
        token_type: 'Bearer',
        expires_in: 300,
        refresh_token: 'rt-1',
        id_token: await idToken(ISSUER, signingKey, nonce),
      }),
    reachable: true,
    authorizationEndpoint: true,
    ...provider,
  }
  const { pendingSignIns, lastNonce } = pendingSignInsInMemory()
  const client = openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }).create({
    origin: ORIGIN,
    now: () => Date.now(),
    resources: [],
    pendingSignIns,
    fetch: async (input) => {
      if (!scripted.reachable) throw new TypeError('Failed to fetch')
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.pathname === '/.well-known/openid-configuration') {
        const document = (await discoveryDocument(ISSUER).json()) as Record<string, unknown>
        if (!scripted.authorizationEndpoint) delete document['authorization_endpoint']
        return Response.json(document)
      }
      if (url.pathname === '/token') return scripted.token(lastNonce())
      return new Response(null, { status: 404 })
    },
  })
  /** The callback the provider sends the browser to, for the sign-in `authorizationUrl` began. */
  const callback = (authorizationUrl: string, parameters: Record<string, string> = { code: 'the-code' }) => {
    const state = new URL(authorizationUrl).searchParams.get('state')!
    return `${ORIGIN}/callback?${new URLSearchParams({ ...parameters, state }).toString()}`
  }
  return { client, scripted, callback }
}

async function reasonOf(attempt: Promise<unknown>): Promise<string | undefined> {
  const error = await attempt.then(
    () => undefined,
    (failure: unknown) => failure,
  )
  expect(error).toBeInstanceOf(TokenProxyError)
  expect(error).toMatchObject({ code: 'ERR_SIGN_IN_FAILED' })
  return (error as TokenProxyError).reason
}

describe('a failed sign-in names its reason', () => {
  for (const error of ['access_denied', 'login_required', 'consent_required', 'interaction_required']) {
    it(`the provider’s "${error}" at the callback (the user cancelled, or must interact)`, async () => {
      const { client, callback } = setUp()
      const url = await client.beginSignIn('/home')
      expect(await reasonOf(client.completeSignIn(callback(url, { error })))).toBe(error)
    })
  }

  it('a code the token endpoint refuses: its OAuth error', async () => {
    const { client, callback } = setUp({
      token: () => Promise.resolve(Response.json({ error: 'invalid_grant' }, { status: 400 })),
    })
    expect(await reasonOf(client.completeSignIn(callback(await client.beginSignIn(null))))).toBe('invalid_grant')
  })

  it('a callback that answers no sign-in in progress (used twice): state_mismatch', async () => {
    const { client, callback } = setUp()
    const url = callback(await client.beginSignIn(null))
    await client.completeSignIn(url)
    expect(await reasonOf(client.completeSignIn(url))).toBe('state_mismatch')
  })

  it('completeSignIn() on another page than the redirect URI: not_redirect_uri', async () => {
    const { client } = setUp()
    await client.beginSignIn(null)
    expect(await reasonOf(client.completeSignIn(`${ORIGIN}/elsewhere?code=x&state=y`))).toBe('not_redirect_uri')
  })

  it('a provider that cannot be reached when the sign-in starts: provider_unreachable', async () => {
    const { client } = setUp({ reachable: false })
    expect(await reasonOf(client.beginSignIn(null))).toBe('provider_unreachable')
  })

  it('a token endpoint that cannot be reached at the callback: provider_unreachable, not a bad answer', async () => {
    const { client, scripted, callback } = setUp()
    const url = callback(await client.beginSignIn(null))
    scripted.reachable = false
    expect(await reasonOf(client.completeSignIn(url))).toBe('provider_unreachable')
  })

  it('an ID token whose nonce is not the sign-in’s: invalid_response', async () => {
    const { client, callback } = setUp({
      token: async () =>
        Response.json({
          access_token: 'at-1',
          token_type: 'Bearer',
          expires_in: 300,
          id_token: await idToken(ISSUER, signingKey, 'another-nonce'),
        }),
    })
    expect(await reasonOf(client.completeSignIn(callback(await client.beginSignIn(null))))).toBe('invalid_response')
  })

  it('a provider without an authorization endpoint: provider_misconfigured', async () => {
    const { client } = setUp({ authorizationEndpoint: false })
    expect(await reasonOf(client.beginSignIn(null))).toBe('provider_misconfigured')
  })

  it('the reason reaches the page: it crosses in the reply, and the client’s error has it', async () => {
    const { client, callback } = setUp()
    const url = callback(await client.beginSignIn(null), { error: 'access_denied' })
    const proxy = {
      completeSignIn: (callbackUrl: string) => client.completeSignIn(callbackUrl).then(() => ({ returnTo: null })),
    } as unknown as TokenProxy
    const reply = await answerRequest(
      proxy,
      { source: 'sw-token-proxy', type: 'COMPLETE_SIGN_IN', payload: { callbackUrl: url } },
      () => Promise.resolve(),
    )
    expect(reply).toMatchObject({ ok: false, error: { code: 'ERR_SIGN_IN_FAILED', reason: 'access_denied' } })
    if (reply.ok) return
    expect(TokenProxyError.fromJSON(reply.error).reason).toBe('access_denied')
    expect(JSON.stringify(reply)).not.toContain('the-code')
  })

  it('a page that asks to complete a sign-in without a callback URL: no_callback', async () => {
    const reply = await answerRequest(
      {} as TokenProxy,
      { source: 'sw-token-proxy', type: 'COMPLETE_SIGN_IN', payload: {} as { callbackUrl: string } },
      () => Promise.resolve(),
    )
    expect(reply).toMatchObject({ ok: false, error: { code: 'ERR_SIGN_IN_FAILED', reason: 'no_callback' } })
  })
})
