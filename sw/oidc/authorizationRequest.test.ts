import { describe, expect, it } from 'vitest'
import type { PendingSignIn } from '../tokenStore.js'
import { openIdConnect } from './openIdConnect.js'

// The authorization request of a sign-in, over a fake provider that only answers discovery.
const ISSUER = 'https://id.example'

function setUp() {
  const saved = new Map<string, PendingSignIn>()
  const client = openIdConnect({
    issuer: ISSUER,
    clientId: 'spa',
    redirectUri: '/callback',
    authorizationParams: { prompt: 'consent', acr_values: 'urn:example:default' },
  }).create({
    origin: 'https://app.example',
    now: () => 1_000,
    resources: [],
    pendingSignIns: {
      save: (state, pending) => (saved.set(state, pending), Promise.resolve()),
      take: (state) => Promise.resolve(saved.get(state)),
    },
    fetch: () =>
      Promise.resolve(
        Response.json({
          issuer: ISSUER,
          authorization_endpoint: `${ISSUER}/auth`,
          token_endpoint: `${ISSUER}/token`,
        }),
      ),
  })
  return { client, saved }
}

describe('openIdConnect: the authorization request', () => {
  it('a plain sign-in asks for no particular authentication beyond the configured parameters', async () => {
    const { client, saved } = setUp()
    const url = new URL(await client.beginSignIn('/home'))

    expect(url.origin + url.pathname).toBe(`${ISSUER}/auth`)
    expect(url.searchParams.get('acr_values')).toBe('urn:example:default')
    expect(url.searchParams.has('max_age')).toBe(false)
    expect([...saved.values()][0]).not.toHaveProperty('maxAge')
  })

  it('a step-up sign-in asks for the ACR values and max_age the API named, and remembers max_age for the ID token check', async () => {
    const { client, saved } = setUp()
    const url = new URL(
      await client.beginSignIn('/pay', { acrValues: 'urn:example:strong urn:example:mfa', maxAge: 0 }),
    )

    expect(url.searchParams.getAll('acr_values')).toEqual(['urn:example:strong urn:example:mfa'])
    expect(url.searchParams.get('max_age')).toBe('0')
    expect(url.searchParams.get('prompt')).toBe('consent')
    const state = url.searchParams.get('state')!
    expect(saved.get(state)).toMatchObject({ returnTo: '/pay', maxAge: 0 })
  })
})
