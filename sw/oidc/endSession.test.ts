import { describe, expect, it } from 'vitest'
import { TokenProxyError } from '../../protocol/errors.js'
import { openIdConnect } from './openIdConnect.js'

// RP-Initiated Logout in the plug-in: the redirect it prepares, what it refuses, and the state.
const ISSUER = 'https://id.example'
const ORIGIN = 'https://app.example'

function setUp({ endSessionEndpoint = true, postLogoutRedirectUri = ['/signed-out', '/bye'] as string[] | null } = {}) {
  let now = 1_000
  const client = openIdConnect({
    issuer: ISSUER,
    clientId: 'spa',
    redirectUri: '/callback',
    ...(postLogoutRedirectUri && { postLogoutRedirectUri }),
  }).create({
    origin: ORIGIN,
    now: () => now,
    resources: [],
    pendingSignIns: { save: () => Promise.resolve(), take: () => Promise.resolve(undefined) },
    fetch: () =>
      Promise.resolve(
        Response.json({
          issuer: ISSUER,
          authorization_endpoint: `${ISSUER}/auth`,
          token_endpoint: `${ISSUER}/token`,
          ...(endSessionEndpoint && { end_session_endpoint: `${ISSUER}/session/end` }),
        }),
      ),
  })
  return { client, later: (ms: number) => (now += ms) }
}

describe('RP-Initiated Logout', () => {
  it('redirects once to the end-session endpoint with the hint, the client, the way back and the state', async () => {
    const { client } = setUp()
    const state = await client.beginEndSession('the-id-token', undefined)
    const url = new URL(await client.endSessionRedirect(state))
    expect(url.origin + url.pathname).toBe(`${ISSUER}/session/end`)
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'spa',
      id_token_hint: 'the-id-token',
      post_logout_redirect_uri: `${ORIGIN}/signed-out`,
      state,
    })
    // A second visit of the end-session page gets no hint: it was for one redirect.
    expect(new URL(await client.endSessionRedirect(state)).searchParams.has('id_token_hint')).toBe(false)
  })

  it('accepts the state back once, and no state it did not send', async () => {
    const { client } = setUp()
    const state = await client.beginEndSession('the-id-token', '/bye')
    expect(client.completeEndSession('forged')).toBe(false)
    expect(client.completeEndSession(state)).toBe(true)
    expect(client.completeEndSession(state)).toBe(false)
  })

  it('forgets a logout after ten minutes', async () => {
    const { client, later } = setUp()
    const state = await client.beginEndSession('the-id-token', undefined)
    later(10 * 60 * 1000 + 1)
    expect(client.completeEndSession(state)).toBe(false)
    expect(new URL(await client.endSessionRedirect(state)).searchParams.has('id_token_hint')).toBe(false)
  })

  it('names another configured page as the way back, and refuses one that is not configured', async () => {
    const { client } = setUp()
    const state = await client.beginEndSession(undefined, '/bye')
    expect(new URL(await client.endSessionRedirect(state)).searchParams.get('post_logout_redirect_uri')).toBe(
      `${ORIGIN}/bye`,
    )
    const refusal = await client.beginEndSession(undefined, 'https://evil.example/').catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(TokenProxyError)
    expect(refusal).toMatchObject({ code: 'ERR_INVALID_OPTIONS' })
    expect((refusal as Error).message).toMatch(
      /is not one of oidc\.postLogoutRedirectUri.*The session has ended in this browser/,
    )
  })

  it('without a configured way back, sends neither post_logout_redirect_uri nor state', async () => {
    const { client } = setUp({ postLogoutRedirectUri: null })
    const url = new URL(await client.endSessionRedirect(await client.beginEndSession('the-id-token', undefined)))
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'id_token_hint'])
  })

  it('a provider without an end-session endpoint is a clear error', async () => {
    const { client } = setUp({ endSessionEndpoint: false })
    const refusal = await client.beginEndSession('the-id-token', undefined).catch((error: unknown) => error)
    expect(refusal).toMatchObject({ code: 'ERR_SIGN_IN_FAILED', reason: 'provider_misconfigured' })
    expect((refusal as Error).message).toMatch(/no end_session_endpoint.*The session has ended in this browser/)
  })

  it('refuses a post-logout page of another origin in the options', () => {
    expect(() =>
      openIdConnect({
        issuer: ISSUER,
        clientId: 'spa',
        redirectUri: '/callback',
        postLogoutRedirectUri: 'https://evil.example/',
      }).create({
        origin: ORIGIN,
        now: () => 0,
        resources: [],
        pendingSignIns: { save: () => Promise.resolve(), take: () => Promise.resolve(undefined) },
        fetch: () => Promise.reject(new Error('unused')),
      }),
    ).toThrow(/"oidc.postLogoutRedirectUri" must be pages of this origin/)
  })
})

// Its memory: a logout is remembered for exactly ten minutes, and a state is accepted back only
// where the provider was asked to send the browser back.
describe('RP-Initiated Logout, remembered', () => {
  it('for exactly ten minutes: its redirect and its return are still answered then', async () => {
    const { client, later } = setUp({ postLogoutRedirectUri: ['/signed-out'] })
    const state = await client.beginEndSession('the-id-token', undefined)
    later(10 * 60 * 1000)
    expect(new URL(await client.endSessionRedirect(state)).searchParams.get('id_token_hint')).toBe('the-id-token')
    expect(client.completeEndSession(state)).toBe(true)
  })

  it('accepts no state back when the provider was not asked to send the browser back', async () => {
    const { client } = setUp({ postLogoutRedirectUri: null })
    const state = await client.beginEndSession('the-id-token', undefined)
    expect(client.completeEndSession(state)).toBe(false)
  })
})
