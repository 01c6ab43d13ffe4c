import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { logOutAndSettle } from './testLogOut.js'
import { discoveryDocument } from './testOidcProvider.js'
import { openIdConnect } from './oidc/openIdConnect.js'
import { TokenStore, type SessionTokens } from './tokenStore.js'
import { proxyOverFakes } from './testProxy.js'

/**
 * Logout with an OpenID provider (RFC 7009): the session's refresh token is revoked at the
 * provider, only for a session this configuration issued, and a provider that fails never keeps
 * the user logged in.
 */

const ORIGIN = 'https://app.example'
const ISSUER = 'https://id.example'
/** What a session signed in with this provider and client records as its issuer (Policy 10). */
const ISSUED_BY = `oidc ${ISSUER}/ client_id=spa`

async function setUp(session: Partial<SessionTokens>, revocationStatus = 200) {
  const databaseName = `logout-revocation-test-${crypto.randomUUID()}`
  const store = new TokenStore(databaseName)
  await store.start({
    loginId: 'login-1',
    issuedBy: ISSUED_BY,
    accessToken: 'at-1',
    refreshToken: 'rt-1',
    idToken: undefined,
    expiresAt: null,
    receivedAt: 0,
    ...session,
  })
  const revoked: string[] = []
  const sent: string[] = []
  const warnings: string[] = []
  const { proxy, broadcasts } = proxyOverFakes(
    {
      api: ['/api/'],
      logout: '/auth/logout',
      oidc: openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }),
    },
    {
      origin: ORIGIN,
      fetch: async (input, init) => {
        const request = new Request(input, init)
        const { pathname } = new URL(request.url)
        if (pathname === '/.well-known/openid-configuration') return discoveryDocument(ISSUER, '/revoke')
        if (pathname === '/revoke') {
          revoked.push(new URLSearchParams(await request.text()).get('token') ?? '')
          return new Response(null, { status: revocationStatus })
        }
        sent.push(`${request.method} ${pathname} ${request.headers.get('Authorization')}`)
        return new Response(null, { status: 204 })
      },
      store,
      warn: (message) => warnings.push(message),
    },
  )
  return { proxy, store, revoked, sent, warnings, broadcasts }
}

describe('logout with an OpenID provider', () => {
  it('revokes the refresh token and sends the logout request with the access token', async () => {
    const { proxy, store, revoked, sent, broadcasts, warnings } = await setUp({})

    await logOutAndSettle(proxy)

    expect(revoked).toEqual(['rt-1'])
    expect(sent).toEqual(['POST /auth/logout Bearer at-1'])
    expect(broadcasts).toEqual(['SESSION_ENDED'])
    expect(warnings).toEqual([])
    expect((await store.reload()).tokens).toBeNull()
  })

  it('revokes the access token when the session has no refresh token', async () => {
    const { proxy, revoked } = await setUp({ refreshToken: undefined })

    await logOutAndSettle(proxy)

    expect(revoked).toEqual(['at-1'])
  })

  it('revokes nothing for a session another configuration issued', async () => {
    const { proxy, store, revoked, sent } = await setUp({ issuedBy: 'refresh https://app.example/auth/refresh' })

    await logOutAndSettle(proxy)

    expect(revoked).toEqual([])
    expect(sent).toEqual(['POST /auth/logout null'])
    expect((await store.reload()).tokens).toBeNull()
  })

  it('still ends the session when the provider refuses the revocation, and says so in a warning', async () => {
    const { proxy, store, sent, warnings } = await setUp({}, 503)

    await logOutAndSettle(proxy)

    expect(sent).toEqual(['POST /auth/logout Bearer at-1'])
    expect((await store.reload()).tokens).toBeNull()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).not.toContain('rt-1')
  })
})
