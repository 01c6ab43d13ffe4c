import { describe, expect, it } from 'vitest'
import { readBearerChallenge } from './bearerChallenge.js'
import { parseTokenResponse } from './parseTokenResponse.js'
import { readBytesWithin, readJsonWithin } from './readBodyWithin.js'
import { parseRetryAfter } from './refreshResult.js'
import { requestRefresh, type RefreshEndpoint } from './requestRefresh.js'
import { parseUrlPrefix } from './requestMatching.js'

/**
 * What the worker makes of odd values from servers: each is either read exactly as its
 * specification says or refused as a whole, never half-read into a wrong number or token.
 */

/** An unsigned JWT: the worker reads its claims for timing, it never verifies them. */
const jwt = (claims: Record<string, unknown>) =>
  `${btoa(JSON.stringify({ alg: 'none' }))}.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`

const invalidTokenResponse: unknown = expect.objectContaining({ code: 'ERR_INVALID_TOKEN_RESPONSE' })

describe('a token response', () => {
  it('with a JWT whose exp or iat is not a number is refused, not given a coerced lifetime', () => {
    for (const claims of [
      { exp: '3601', iat: 1 },
      { exp: 3601, iat: '1' },
    ])
      expect(() => parseTokenResponse({ access_token: jwt(claims) })).toThrow(invalidTokenResponse)
    expect(parseTokenResponse({ access_token: jwt({ exp: 3601, iat: 1 }) }).lifetimeSeconds).toBe(3600)
  })

  it('may last exactly one second, and carry a token of exactly 16 KiB', () => {
    const token = 'a'.repeat(16 * 1024)
    expect(parseTokenResponse({ access_token: token, expires_in: 1 })).toMatchObject({
      accessToken: token,
      lifetimeSeconds: 1,
    })
    expect(() => parseTokenResponse({ access_token: `${token}a` })).toThrow(invalidTokenResponse)
  })

  it('with a token_type that is not a string is refused with the library error, with DPoP on too', () => {
    for (const token_type of [5, null, { scheme: 'DPoP' }])
      expect(() => parseTokenResponse({ access_token: 'at', token_type }, { acceptDpop: true })).toThrow(
        invalidTokenResponse,
      )
  })
})

describe('a refresh endpoint', () => {
  const endpoint: RefreshEndpoint = {
    url: new URL('https://app.example/auth/refresh'),
    format: 'oauth2',
    clientId: undefined,
    timeoutMs: 1000,
    responseLimitBytes: 4096,
  }
  const answering = (body: unknown) => {
    const calls: Array<RequestInit | undefined> = []
    const fetchFn: typeof fetch = (_input, init) => (calls.push(init), Promise.resolve(Response.json(body)))
    return { fetchFn, calls }
  }

  it('answering a DPoP token to a worker without DPoP is a malformed answer, not a renewal', async () => {
    const { fetchFn } = answering({ access_token: 'at', token_type: 'DPoP' })
    expect(await requestRefresh(fetchFn, endpoint, 'rt')).toMatchObject({
      kind: 'failed',
      reason: 'malformed_response',
    })
    expect(await requestRefresh(fetchFn, { ...endpoint, acceptDpop: true }, 'rt')).toMatchObject({
      kind: 'renewed',
      tokens: { accessToken: 'at', tokenType: 'DPoP' },
    })
  })

  it('is asked for JSON, and sent no cross-origin credentials', async () => {
    const { fetchFn, calls } = answering({ access_token: 'at' })
    await requestRefresh(fetchFn, endpoint, 'rt')
    expect(new Headers(calls[0]?.headers).get('Accept')).toBe('application/json')
    expect(calls[0]?.credentials).toBe('same-origin')
  })
})

describe('a Retry-After header', () => {
  it('that only ends in digits is not read as seconds: never a NaN or negative wait', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')
    for (const header of ['in 7', '-7', 'x7']) {
      const wait = parseRetryAfter(header, now)
      expect(wait === undefined || wait >= 0, `${header}: ${wait}`).toBe(true)
    }
  })
})

describe("a step-up challenge's max_age", () => {
  const stepUpOf = (maxAge: string) =>
    readBearerChallenge(
      new Response(null, {
        status: 401,
        headers: { 'WWW-Authenticate': `Bearer error="insufficient_user_authentication", max_age="${maxAge}"` },
      }),
    ).stepUp

  it.each(['1e3', '0x10', '12s', ' 60', '-5'])('is left out when it is not plain digits: %j', (maxAge) => {
    expect(stepUpOf(maxAge)).toEqual({})
  })

  it('is read when it is plain digits', () => {
    expect(stepUpOf('300')).toEqual({ maxAge: 300 })
  })
})

describe('a body read within a limit', () => {
  const streamOf = (...chunks: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk))
        controller.close()
      },
    })

  it('arriving in several chunks is put together in order', async () => {
    const bytes = await readBytesWithin(streamOf('{"a":', '"bc"', '}'), 64)
    expect(new TextDecoder().decode(bytes)).toBe('{"a":"bc"}')
  })

  it('that is absent is empty', async () => {
    expect(await readBytesWithin(null, 64)).toEqual(new Uint8Array(0))
  })

  it('declaring exactly the limit in Content-Length is read', async () => {
    const body = '{"access_token":"at"}'
    const response = new Response(body, { headers: { 'Content-Length': String(body.length) } })
    expect(await readJsonWithin(response, body.length)).toEqual({ access_token: 'at' })
  })
})

describe('an API prefix', () => {
  it('may be plain http (a local development server)', () => {
    expect(parseUrlPrefix('http://localhost:8080/api', 'https://app.example')).toEqual({
      origin: 'http://localhost:8080',
      pathPrefix: '/api/',
    })
  })
})
