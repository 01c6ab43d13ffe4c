import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { logOutAndSettle } from './testLogOut.js'
import { discoveryDocument } from './testOidcProvider.js'
import { openIdConnect } from './oidc/openIdConnect.js'
import { TokenStore } from './tokenStore.js'
import { proxyOverFakes } from './testProxy.js'

/**
 * Logout requests without a body (a `GET` or `HEAD` logout endpoint) go out with the ended
 * session's token like any other, and a revocation that fails without an error of its own still
 * says what went wrong.
 */

const ORIGIN = 'https://app.example'

function setUp() {
  const sent: string[] = []
  const { handle } = proxyOverFakes(
    { api: ['/api/'], tokenEndpoints: ['/auth/login'], refresh: { url: '/auth/refresh' }, logout: '/auth/logout' },
    {
      origin: ORIGIN,
      fetch: (input, init) => {
        const request = new Request(input, init)
        sent.push(`${request.method} ${new URL(request.url).pathname} ${request.headers.get('Authorization')}`)
        if (request.url.endsWith('/auth/login'))
          return Promise.resolve(
            Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600 }),
          )
        return Promise.resolve(new Response(null, { status: 204 }))
      },
    },
  )
  const logIn = () => handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  return { handle, logIn, sent }
}

describe('a logout endpoint reached without a body', () => {
  it.each(['GET', 'HEAD'])('forwards a %s logout with the ended session’s token', async (method) => {
    const { handle, logIn, sent } = setUp()
    await logIn()

    const response = await handle(new Request(`${ORIGIN}/auth/logout`, { method }))

    expect(response.status).toBe(204)
    expect(sent).toEqual(['POST /auth/login null', `${method} /auth/logout Bearer at-1`])
  })
})

describe('a revocation that fails without an error object', () => {
  it('warns that the request failed, and the session still ends', async () => {
    const ISSUER = 'https://id.example'
    const store = new TokenStore(`logout-methods-test-${crypto.randomUUID()}`)
    await store.start({
      loginId: 'login-1',
      issuedBy: `oidc ${ISSUER}/ client_id=spa`,
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      idToken: undefined,
      expiresAt: null,
      receivedAt: 0,
    })
    const warnings: string[] = []
    const { proxy } = proxyOverFakes(
      { api: ['/api/'], oidc: openIdConnect({ issuer: ISSUER, clientId: 'spa', redirectUri: '/callback' }) },
      {
        origin: ORIGIN,
        fetch: (input, init) => {
          const { pathname } = new URL(new Request(input, init).url)
          if (pathname === '/.well-known/openid-configuration')
            return Promise.resolve(discoveryDocument(ISSUER, '/revoke'))
          // A rejection that is not an Error (as some fetch wrappers reject).
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what this test is about
          return Promise.reject('offline')
        },
        store,
        warn: (message) => warnings.push(message),
      },
    )

    await logOutAndSettle(proxy)

    expect((await store.reload()).tokens).toBeNull()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('the request failed')
  })
})
