import { describe, expect, it } from 'vitest'
import { openIdConnect } from './openIdConnect.js'

// RP-Initiated Logout's memory: a logout is remembered for exactly ten minutes, and a state is
// accepted back only where the provider was asked to send the browser back.
const ISSUER = 'https://id.example'
const ORIGIN = 'https://app.example'

function setUp(postLogoutRedirectUri?: string) {
  let now = 1_000
  const client = openIdConnect({
    issuer: ISSUER,
    clientId: 'spa',
    redirectUri: '/callback',
    ...(postLogoutRedirectUri !== undefined && { postLogoutRedirectUri }),
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
          end_session_endpoint: `${ISSUER}/session/end`,
        }),
      ),
  })
  return { client, later: (ms: number) => (now += ms) }
}

describe('RP-Initiated Logout, remembered', () => {
  it('for exactly ten minutes: its redirect and its return are still answered then', async () => {
    const { client, later } = setUp('/signed-out')
    const state = await client.beginEndSession('the-id-token', undefined)
    later(10 * 60 * 1000)
    expect(new URL(await client.endSessionRedirect(state)).searchParams.get('id_token_hint')).toBe('the-id-token')
    expect(client.completeEndSession(state)).toBe(true)
  })

  it('accepts no state back when the provider was not asked to send the browser back', async () => {
    const { client } = setUp()
    const state = await client.beginEndSession('the-id-token', undefined)
    expect(client.completeEndSession(state)).toBe(false)
  })
})
