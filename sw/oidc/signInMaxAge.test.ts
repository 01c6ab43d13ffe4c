import { SignJWT, generateKeyPair } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { TokenProxyError } from '../../protocol/errors.js'
import { discoveryDocument } from '../testOidcProvider.js'
import type { PendingSignIn } from '../tokenStore.js'
import { openIdConnect } from './openIdConnect.js'

// A step-up sign-in that sent max_age (RFC 9470) must get an ID token whose auth_time meets it;
// and a worker that starts between the redirect and the callback still says why a sign-in failed.

const ISSUER = 'https://id.example'
const ORIGIN = 'https://app.example'

let signingKey: CryptoKey
beforeAll(async () => {
  ;({ privateKey: signingKey } = await generateKeyPair('RS256'))
})

/** An ID token for `nonce`, whose user signed in `authAgeSeconds` ago (no auth_time when undefined). */
function idTokenSignedIn(nonce: string, authAgeSeconds: number | undefined): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ nonce, ...(authAgeSeconds !== undefined && { auth_time: now - authAgeSeconds }) })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(ISSUER)
    .setAudience('spa')
    .setSubject('ada')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(signingKey)
}

/** Sign-ins in progress, kept where every worker instance finds them (as IndexedDB would). */
function pendingSignIns() {
  const saved = new Map<string, PendingSignIn>()
  return {
    saved,
    save: (state: string, pending: PendingSignIn) => (saved.set(state, pending), Promise.resolve()),
    take: (state: string) => {
      const pending = saved.get(state)
      saved.delete(state)
      return Promise.resolve(pending)
    },
  }
}

function client(
  pending: ReturnType<typeof pendingSignIns>,
  provider: { reachable: boolean; authAgeSeconds?: number | undefined },
) {
  return openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }).create({
    origin: ORIGIN,
    now: () => Date.now(),
    resources: [],
    pendingSignIns: pending,
    fetch: async (input) => {
      if (!provider.reachable) throw new TypeError('Failed to fetch')
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.pathname === '/.well-known/openid-configuration') return discoveryDocument(ISSUER)
      return Response.json({
        access_token: 'at-1',
        token_type: 'Bearer',
        expires_in: 300,
        refresh_token: 'rt-1',
        id_token: await idTokenSignedIn(lastNonce, provider.authAgeSeconds),
      })
    },
  })
}

let lastNonce = ''
/** Begins a sign-in with `requirement` and comes back from the provider: the callback URL. */
async function signedInAtProvider(
  signIn: ReturnType<typeof client>,
  pending: ReturnType<typeof pendingSignIns>,
  requirement: { maxAge?: number } = {},
): Promise<string> {
  const url = new URL(await signIn.beginSignIn('/pay', requirement))
  const state = url.searchParams.get('state')!
  lastNonce = pending.saved.get(state)!.nonce
  return `${ORIGIN}/callback?code=the-code&state=${state}`
}

async function failureOf(attempt: Promise<unknown>): Promise<TokenProxyError> {
  const error = await attempt.then(
    () => undefined,
    (failure: unknown) => failure,
  )
  expect(error).toBeInstanceOf(TokenProxyError)
  expect(error).toMatchObject({ code: 'ERR_SIGN_IN_FAILED' })
  return error as TokenProxyError
}

describe('a step-up sign-in with max_age', () => {
  it('completes when the user signed in within max_age', async () => {
    const pending = pendingSignIns()
    const signIn = client(pending, { reachable: true, authAgeSeconds: 10 })
    const callback = await signedInAtProvider(signIn, pending, { maxAge: 300 })
    expect(await signIn.completeSignIn(callback)).toMatchObject({ returnTo: '/pay', tokens: { accessToken: 'at-1' } })
  })

  it('is refused when the provider answers an older authentication than max_age allows', async () => {
    const pending = pendingSignIns()
    const signIn = client(pending, { reachable: true, authAgeSeconds: 3600 })
    const callback = await signedInAtProvider(signIn, pending, { maxAge: 300 })
    expect((await failureOf(signIn.completeSignIn(callback))).reason).toBe('invalid_response')
  })

  it('without max_age, takes an ID token of any authentication time, or none', async () => {
    for (const authAgeSeconds of [3600, undefined]) {
      const pending = pendingSignIns()
      const signIn = client(pending, { reachable: true, authAgeSeconds })
      const callback = await signedInAtProvider(signIn, pending)
      expect(await signIn.completeSignIn(callback)).toMatchObject({ returnTo: '/pay' })
    }
  })
})

describe('a provider that cannot be reached', () => {
  it('by the worker that started between the redirect and the callback: provider_unreachable', async () => {
    const pending = pendingSignIns()
    const callback = await signedInAtProvider(client(pending, { reachable: true }), pending)
    const restarted = client(pending, { reachable: false })
    const failure = await failureOf(restarted.completeSignIn(callback))
    expect(failure.reason).toBe('provider_unreachable')
    expect(failure.message).toMatch(/^\[sw-token-proxy\] Failed to complete the sign-in: /)
  })

  it("when a logout would end the provider's session: provider_unreachable", async () => {
    const failure = await failureOf(
      client(pendingSignIns(), { reachable: false }).beginEndSession('the-id-token', undefined),
    )
    expect(failure.reason).toBe('provider_unreachable')
    expect(failure.message).toMatch(/^\[sw-token-proxy\] Failed to end the provider's session: /)
  })
})
