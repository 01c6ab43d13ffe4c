import { describe, it, expect, vi } from 'vitest'
import { TokenProxyError } from '../protocol/errors.js'
import { requestRefresh, type RefreshEndpoint } from './requestRefresh.js'

function endpointWith(overrides: Partial<RefreshEndpoint> = {}): RefreshEndpoint {
  return {
    url: new URL('http://localhost/auth/refresh'),
    format: 'oauth2',
    clientId: 'spa',
    timeoutMs: 1000,
    responseLimitBytes: 65536,
    ...overrides,
  }
}

function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { 'Content-Type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
  })
}

/** A fetch that answers `response` and records what it was asked. */
function fakeFetch(response: Response | (() => Response | Promise<Response>)) {
  return vi.fn<typeof fetch>(() => Promise.resolve(typeof response === 'function' ? response() : response))
}

function sentInit(fetchFn: ReturnType<typeof fakeFetch>): RequestInit {
  expect(fetchFn).toHaveBeenCalledTimes(1)
  return fetchFn.mock.calls[0]?.[1] ?? {}
}

const VALID = { access_token: 'at-new', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-new' }

describe('requestRefresh sends', () => {
  it('an RFC 6749 refresh grant, form-encoded, with the client id (oauth2 format)', async () => {
    const fetchFn = fakeFetch(json(VALID))
    const refreshToken = 'rt+/=&a b'
    await requestRefresh(fetchFn, endpointWith(), refreshToken)

    const input = fetchFn.mock.calls[0]?.[0]
    expect(input instanceof Request ? input.url : input instanceof URL ? input.href : input).toBe(
      'http://localhost/auth/refresh',
    )
    const init = sentInit(fetchFn)
    expect(init.method).toBe('POST')
    expect(new Headers(init.headers).get('Content-Type')).toBe('application/x-www-form-urlencoded')
    expect(typeof init.body).toBe('string')
    const form = new URLSearchParams(init.body as string)
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'spa',
    })
  })

  it('no client_id when none is configured', async () => {
    const fetchFn = fakeFetch(json(VALID))
    await requestRefresh(fetchFn, endpointWith({ clientId: undefined }), 'rt')
    const form = new URLSearchParams(sentInit(fetchFn).body as string)
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt' })
  })

  it('a JSON body with the refresh token (json format)', async () => {
    const fetchFn = fakeFetch(json(VALID))
    await requestRefresh(fetchFn, endpointWith({ format: 'json' }), 'rt-"quoted"')
    const init = sentInit(fetchFn)
    expect(init.method).toBe('POST')
    expect(new Headers(init.headers).get('Content-Type')).toBe('application/json')
    expect(JSON.parse(init.body as string)).toEqual({ refresh_token: 'rt-"quoted"' })
  })

  it('a request that is not cached and carries a timeout signal', async () => {
    const fetchFn = fakeFetch(json(VALID))
    await requestRefresh(fetchFn, endpointWith(), 'rt')
    const init = sentInit(fetchFn)
    expect(init.cache).toBe('no-store')
    expect(init.signal).toBeInstanceOf(AbortSignal)
    expect(init.signal?.aborted).toBe(false)
  })
})

describe('requestRefresh answers renewed', () => {
  it('for a valid 2xx token response', async () => {
    const result = await requestRefresh(fakeFetch(json(VALID)), endpointWith(), 'rt')
    expect(result).toEqual({
      kind: 'renewed',
      tokens: { accessToken: 'at-new', refreshToken: 'rt-new', idToken: undefined, lifetimeSeconds: 3600 },
    })
  })

  it('for a 2xx response without a refresh token', async () => {
    const result = await requestRefresh(fakeFetch(json({ access_token: 'at-new' })), endpointWith(), 'rt')
    expect(result).toEqual({
      kind: 'renewed',
      tokens: { accessToken: 'at-new', refreshToken: undefined, idToken: undefined, lifetimeSeconds: undefined },
    })
  })
})

describe('requestRefresh answers failed malformed_response for a 2xx', () => {
  it('that is not JSON', async () => {
    const result = await requestRefresh(fakeFetch(new Response('<html>ok</html>')), endpointWith(), 'rt')
    expect(result).toMatchObject({ kind: 'failed', reason: 'malformed_response' })
  })

  it('with an empty body', async () => {
    const result = await requestRefresh(fakeFetch(new Response(null, { status: 200 })), endpointWith(), 'rt')
    expect(result).toMatchObject({ kind: 'failed', reason: 'malformed_response' })
  })

  it('with fields of the wrong type, carrying the error but not the token', async () => {
    const result = await requestRefresh(
      fakeFetch(json({ access_token: 'SECRET-at\r\nX', token_type: 'Bearer' })),
      endpointWith(),
      'rt',
    )
    expect(result).toMatchObject({ kind: 'failed', reason: 'malformed_response' })
    const error = result.kind === 'failed' ? result.error : undefined
    expect(error).toBeInstanceOf(TokenProxyError)
    expect(error?.code).toBe('ERR_INVALID_TOKEN_RESPONSE')
    expect(error?.message).not.toContain('SECRET-at')
  })

  it('with a token_type other than Bearer', async () => {
    const result = await requestRefresh(fakeFetch(json({ ...VALID, token_type: 'mac' })), endpointWith(), 'rt')
    expect(result).toMatchObject({ kind: 'failed', reason: 'malformed_response' })
  })

  it('whose body is larger than responseLimitBytes', async () => {
    const body = JSON.stringify({ ...VALID, padding: 'x'.repeat(200) })
    const result = await requestRefresh(fakeFetch(new Response(body)), endpointWith({ responseLimitBytes: 128 }), 'rt')
    expect(result).toMatchObject({ kind: 'failed', reason: 'malformed_response' })
  })

  it('whose declared Content-Length is larger than responseLimitBytes', async () => {
    const body = JSON.stringify({ ...VALID, padding: 'x'.repeat(200) })
    const response = new Response(body, {
      headers: { 'Content-Length': String(new TextEncoder().encode(body).byteLength) },
    })
    const result = await requestRefresh(fakeFetch(response), endpointWith({ responseLimitBytes: 128 }), 'rt')
    expect(result).toMatchObject({ kind: 'failed', reason: 'malformed_response' })
  })

  it('whose body never ends, cancelling it once past the limit', async () => {
    const cancel = vi.fn()
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(1024).fill(0x20))
      },
      cancel,
    })
    const result = await requestRefresh(
      fakeFetch(new Response(endless)),
      endpointWith({ responseLimitBytes: 4096 }),
      'rt',
    )
    expect(result).toMatchObject({ kind: 'failed', reason: 'malformed_response' })
    expect(cancel).toHaveBeenCalled()
  })

  it('but accepts a body of exactly responseLimitBytes', async () => {
    const body = JSON.stringify(VALID)
    const limit = new TextEncoder().encode(body).byteLength
    const result = await requestRefresh(
      fakeFetch(new Response(body)),
      endpointWith({ responseLimitBytes: limit }),
      'rt',
    )
    expect(result.kind).toBe('renewed')
  })
})

describe('requestRefresh answers ended', () => {
  it('invalid_grant for a 400 saying so', async () => {
    const result = await requestRefresh(
      fakeFetch(json({ error: 'invalid_grant' }, { status: 400 })),
      endpointWith(),
      'rt',
    )
    expect(result).toEqual({ kind: 'ended', reason: 'invalid_grant' })
  })

  it('invalid_client for a 400 saying so', async () => {
    const result = await requestRefresh(
      fakeFetch(json({ error: 'invalid_client', error_description: 'Client unknown' }, { status: 400 })),
      endpointWith(),
      'rt',
    )
    expect(result).toEqual({ kind: 'ended', reason: 'invalid_client' })
  })

  it('the OAuth error of a 401', async () => {
    const result = await requestRefresh(
      fakeFetch(json({ error: 'invalid_token' }, { status: 401 })),
      endpointWith(),
      'rt',
    )
    expect(result).toEqual({ kind: 'ended', reason: 'invalid_token' })
  })

  it('refresh_rejected for a 401 that is not JSON', async () => {
    const response = new Response('Unauthorized', { status: 401, headers: { 'Content-Type': 'text/plain' } })
    const result = await requestRefresh(fakeFetch(response), endpointWith(), 'rt')
    expect(result).toEqual({ kind: 'ended', reason: 'refresh_rejected' })
  })

  it('refresh_rejected for a 400 with an empty body', async () => {
    const result = await requestRefresh(fakeFetch(new Response(null, { status: 400 })), endpointWith(), 'rt')
    expect(result).toEqual({ kind: 'ended', reason: 'refresh_rejected' })
  })

  it('refresh_rejected for a 400 whose error body is larger than the limit', async () => {
    const response = json({ error: 'invalid_grant', padding: 'x'.repeat(500) }, { status: 400 })
    const result = await requestRefresh(fakeFetch(response), endpointWith({ responseLimitBytes: 100 }), 'rt')
    expect(result).toEqual({ kind: 'ended', reason: 'refresh_rejected' })
  })

  it.each<[string, unknown]>([
    ['CR LF', 'invalid_grant\r\nX-Injected: 1'],
    ['markup', '<script>alert(1)</script>'],
    ['spaces', 'invalid grant'],
    ['non-ASCII', 'invalid_grânt'],
    ['an overlong code', 'x'.repeat(65)],
    ['an empty code', ''],
    ['a number', 400],
    ['an object', { code: 'invalid_grant' }],
  ])('refresh_rejected, not the server text, for an error code with %s', async (_why, code) => {
    const result = await requestRefresh(fakeFetch(json({ error: code }, { status: 400 })), endpointWith(), 'rt')
    expect(result).toEqual({ kind: 'ended', reason: 'refresh_rejected' })
  })
})

describe('requestRefresh answers failed', () => {
  it('for a 500', async () => {
    const result = await requestRefresh(fakeFetch(new Response('oops', { status: 500 })), endpointWith(), 'rt')
    expect(result).toEqual({ kind: 'failed', reason: 'http_500', retryAfterMs: undefined })
  })

  it('for a 502 with an HTML page', async () => {
    const response = new Response('<html><body>Bad Gateway</body></html>', {
      status: 502,
      headers: { 'Content-Type': 'text/html' },
    })
    const result = await requestRefresh(fakeFetch(response), endpointWith(), 'rt')
    expect(result).toEqual({ kind: 'failed', reason: 'http_502', retryAfterMs: undefined })
  })

  it('for a 503 with Retry-After in seconds', async () => {
    const response = new Response(null, { status: 503, headers: { 'Retry-After': '7' } })
    const result = await requestRefresh(fakeFetch(response), endpointWith(), 'rt')
    expect(result).toEqual({ kind: 'failed', reason: 'http_503', retryAfterMs: 7000 })
  })

  it('for a 429, as rate_limited with its Retry-After', async () => {
    const response = json({ error: 'slow_down' }, { status: 429, headers: { 'Retry-After': '30' } })
    const result = await requestRefresh(fakeFetch(response), endpointWith(), 'rt')
    expect(result).toEqual({ kind: 'failed', reason: 'rate_limited', retryAfterMs: 30_000 })
  })

  it('for a 500 whose body is JSON with invalid_grant (only 400/401 end the session)', async () => {
    const result = await requestRefresh(
      fakeFetch(json({ error: 'invalid_grant' }, { status: 500 })),
      endpointWith(),
      'rt',
    )
    expect(result.kind).toBe('failed')
  })

  it('network_error when fetch rejects', async () => {
    const fetchFn = vi.fn<typeof fetch>(() => Promise.reject(new TypeError('Failed to fetch')))
    const result = await requestRefresh(fetchFn, endpointWith(), 'rt')
    expect(result).toEqual({ kind: 'failed', reason: 'network_error', retryAfterMs: undefined })
  })

  it('network_error when fetch rejects with a TimeoutError its own signal did not raise', async () => {
    const fetchFn = vi.fn<typeof fetch>(() =>
      Promise.reject(new DOMException('The operation timed out.', 'TimeoutError')),
    )
    const result = await requestRefresh(fetchFn, endpointWith(), 'rt')
    expect(result).toEqual({ kind: 'failed', reason: 'network_error', retryAfterMs: undefined })
  })

  it('timeout when the timeout surfaces as an AbortError, as in Firefox and WebKit', async () => {
    const fetchFn = vi.fn<typeof fetch>(
      (_input, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () =>
            reject(new DOMException('The operation was aborted.', 'AbortError')),
          )
        }),
    )
    const result = await requestRefresh(fetchFn, endpointWith({ timeoutMs: 5 }), 'rt')
    expect(result).toEqual({ kind: 'failed', reason: 'timeout', retryAfterMs: undefined })
  })

  it('timeout when the endpoint never answers, through the signal it was given', async () => {
    // A fetch that honours its signal, as the real one does, and otherwise never settles.
    const fetchFn = vi.fn<typeof fetch>(
      (_input, init) =>
        new Promise<Response>((_resolve, reject) => {
          const signal = init?.signal
          signal?.addEventListener('abort', () => reject(signal.reason as Error))
        }),
    )
    const result = await requestRefresh(fetchFn, endpointWith({ timeoutMs: 5 }), 'rt')
    expect(result).toEqual({ kind: 'failed', reason: 'timeout', retryAfterMs: undefined })
  })
})

describe('requestRefresh for an API with its own token (Policy 11)', () => {
  const target = {
    key: 'k',
    resource: 'https://orders.example/',
    audience: 'orders',
    scope: 'orders:read orders:write',
  }

  it('adds resource (RFC 8707), audience and scope to the form-encoded grant', async () => {
    const fetchFn = fakeFetch(json(VALID))
    await requestRefresh(fetchFn, endpointWith(), 'rt-1', target)

    expect(Object.fromEntries(new URLSearchParams(sentInit(fetchFn).body as string))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      client_id: 'spa',
      resource: 'https://orders.example/',
      audience: 'orders',
      scope: 'orders:read orders:write',
    })
  })

  it('adds only the parameters the entry names, and adds them to the JSON format too', async () => {
    const form = fakeFetch(json(VALID))
    await requestRefresh(form, endpointWith(), 'rt-1', { key: 'k', resource: 'https://orders.example/' })
    expect(new URLSearchParams(sentInit(form).body as string).toString()).toBe(
      'grant_type=refresh_token&refresh_token=rt-1&client_id=spa&resource=https%3A%2F%2Forders.example%2F',
    )

    const jsonFetch = fakeFetch(json(VALID))
    await requestRefresh(jsonFetch, endpointWith({ format: 'json' }), 'rt-1', target)
    expect(JSON.parse(sentInit(jsonFetch).body as string)).toEqual({
      refresh_token: 'rt-1',
      resource: 'https://orders.example/',
      audience: 'orders',
      scope: 'orders:read orders:write',
    })
  })

  it('adds nothing for the session token', async () => {
    const fetchFn = fakeFetch(json(VALID))
    await requestRefresh(fetchFn, endpointWith(), 'rt-1')
    expect(new URLSearchParams(sentInit(fetchFn).body as string).has('resource')).toBe(false)
  })
})
