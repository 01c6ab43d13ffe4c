import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { ErrorCode, TokenProxyError } from '../protocol/errors.js'
import { TokenStore, type SessionRecord, type SessionTokens } from './tokenStore.js'
import { proxyOverFakes } from './testProxy.js'

/**
 * What the page gets from a token endpoint (its login) through the worker: a refusal as it came,
 * a token response without its tokens but with its own status and headers, a body that is not a
 * token response turned into a 502 that holds no tokens, and a session that cannot be stored
 * turned into a 503.
 */

const ORIGIN = 'https://app.example'

function setUp(login: () => Response, store?: TokenStore) {
  const warnings: string[] = []
  const fakes = proxyOverFakes(
    {
      api: ['/api/'],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
      tokenResponseLimitBytes: 256,
    },
    {
      origin: ORIGIN,
      fetch: () => Promise.resolve(login()),
      ...(store && { store }),
      warn: (message) => warnings.push(message),
    },
  )
  const logIn = () => fakes.handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  return { ...fakes, logIn, warnings }
}

describe('a token endpoint’s answer, as the page gets it', () => {
  it('a refusal passes through as it came, and starts no session', async () => {
    const { logIn, proxy } = setUp(() => Response.json({ error: 'invalid_grant' }, { status: 401 }))

    const response = await logIn()

    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: 'invalid_grant' })
    expect(await proxy.status()).toEqual({ authenticated: false, expiresAt: null })
  })

  it('a token response keeps its status, status text and headers, without its tokens', async () => {
    const { logIn, proxy } = setUp(() =>
      Response.json(
        { access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600, user: 'ada' },
        { status: 201, statusText: 'Created', headers: { 'X-Request-Id': 'r-1' } },
      ),
    )

    const response = await logIn()

    expect(response.status).toBe(201)
    expect(response.statusText).toBe('Created')
    expect(response.headers.get('X-Request-Id')).toBe('r-1')
    expect(await response.json()).toEqual({ token_type: 'Bearer', expires_in: 3600, user: 'ada' })
    expect(await proxy.status()).toMatchObject({ authenticated: true })
  })

  it.each([
    ['a body that is not JSON', () => new Response('<html>welcome</html>'), 'the body is not JSON'],
    [
      'a body larger than tokenResponseLimitBytes',
      () => new Response(JSON.stringify({ access_token: 'at-1', padding: 'x'.repeat(300) })),
      'larger than 256 bytes',
    ],
  ])('%s becomes a 502 that names the problem, and starts no session', async (_what, login, why) => {
    const { logIn, proxy, warnings } = setUp(login)

    const response = await logIn()

    expect(response.status).toBe(502)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({ error: 'invalid_token_response', code: ErrorCode.INVALID_TOKEN_RESPONSE })
    expect(body['error_description']).toContain(why)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(why)
    expect(await proxy.status()).toEqual({ authenticated: false, expiresAt: null })
  })
})

describe('a session that cannot be stored', () => {
  class FailingStore extends TokenStore {
    constructor(readonly failure: Error) {
      super(`token-endpoint-answers-${crypto.randomUUID()}`)
    }
    override start(_tokens: SessionTokens): Promise<SessionRecord> {
      return Promise.reject(this.failure)
    }
  }
  const tokens = () =>
    Response.json({ access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600 })

  it('gives the page a 503 naming the library’s error, never the tokens', async () => {
    const failure = new TokenProxyError(ErrorCode.STORAGE_FAILED, '[sw-token-proxy] Failed to save the session: full.')
    const { logIn, warnings } = setUp(tokens, new FailingStore(failure))

    const response = await logIn()

    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({
      error: 'token_proxy_error',
      code: ErrorCode.STORAGE_FAILED,
      error_description: failure.message,
    })
    expect(warnings).toEqual([failure.message])
  })

  it('lets any other failure reach the browser as the fetch handler’s own', async () => {
    const { logIn } = setUp(tokens, new FailingStore(new TypeError('a bug')))

    await expect(logIn()).rejects.toThrow('a bug')
  })
})
