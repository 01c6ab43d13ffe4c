import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { BroadcastPayloads, BroadcastType } from '../protocol/messages.js'
import type { TokenProxyOptions } from './glossary.js'
import { proxyOverFakes } from './testProxy.js'

/**
 * When a 401 from the API costs a refresh and a replay, seen from the network and the tabs: a 401
 * that names no error, a replay that itself asks for a step-up or is accepted, a replay with a
 * token another request renewed, and what `replayBodyLimitBytes: 0` and bodies without
 * `Request.body` (Firefox) or still being written change (Policies 5 and 7).
 */

const ORIGIN = 'https://app.example'
const T0 = 1_700_000_000_000
const STEP_UP = 'Bearer error="insufficient_user_authentication", acr_values="urn:example:strong"'

type ApiAnswer = (request: Request, authorization: string | null) => Response | Promise<Response>

const unauthorized = (challenge?: string) =>
  new Response(null, { status: 401, headers: challenge === undefined ? {} : { 'WWW-Authenticate': challenge } })

/**
 * One worker whose login hands out `at-1` and whose refresh endpoint hands out `at-2`, `at-3`…
 * (each for an hour from the clock's time); `api` answers every API request.
 */
function setUp(api: ApiAnswer, options: Pick<TokenProxyOptions, 'replayBodyLimitBytes'> = {}, clock = { now: T0 }) {
  const apiCalls: string[] = []
  const refreshes: string[] = []
  const broadcasts: Array<{ type: BroadcastType; payload: BroadcastPayloads[BroadcastType] }> = []
  let issued = 1
  const tokens = (access: string) =>
    Response.json({ access_token: access, refresh_token: `rt-${access}`, token_type: 'Bearer', expires_in: 3600 })
  const fakes = proxyOverFakes(
    { api: ['/api/'], tokenEndpoints: ['/auth/login'], refresh: { url: '/auth/refresh' }, ...options },
    {
      origin: ORIGIN,
      fetch: async (input, init) => {
        const request = input instanceof Request && init === undefined ? input : new Request(input, init)
        const { pathname } = new URL(request.url)
        if (pathname === '/auth/login') return tokens('at-1')
        if (pathname === '/auth/refresh') {
          refreshes.push(new URLSearchParams(await request.text()).get('refresh_token') ?? '')
          issued += 1
          return tokens(`at-${issued}`)
        }
        const authorization = request.headers.get('Authorization')
        apiCalls.push(`${request.method} ${pathname} ${authorization}`)
        return api(request, authorization)
      },
      broadcast: (type, payload) => (broadcasts.push({ type, payload }), Promise.resolve()),
      now: () => clock.now,
    },
  )
  const kept: Array<Promise<unknown>> = []
  const handle = (request: Request) => fakes.handle(request, (promise) => void kept.push(promise))
  const logIn = () => handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  const settled = async () => {
    await Promise.all(kept)
    return broadcasts
  }
  return { handle, logIn, apiCalls, refreshes, settled }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  return { promise: new Promise<T>((settle) => (resolve = settle)), resolve }
}

const get = (path: string, init?: RequestInit) => new Request(`${ORIGIN}${path}`, init)

describe('a 401 that names no error', () => {
  it.each([
    ['without WWW-Authenticate', undefined],
    ['with a bare Bearer challenge', 'Bearer realm="api"'],
  ])('%s asks for a new token: refreshed once and replayed with it', async (_how, challenge) => {
    const { handle, logIn, apiCalls, refreshes } = setUp((_request, authorization) =>
      authorization === 'Bearer at-1' ? unauthorized(challenge) : Response.json({ ok: true }),
    )
    await logIn()

    const response = await handle(get('/api/me'))

    expect(response.status).toBe(200)
    expect(refreshes).toEqual(['rt-at-1'])
    expect(apiCalls).toEqual(['GET /api/me Bearer at-1', 'GET /api/me Bearer at-2'])
  })
})

describe('the answer to a replay', () => {
  it('a step-up asked for by the replay reaches the page as it came, and every tab hears it', async () => {
    const { handle, logIn, apiCalls, settled } = setUp((_request, authorization) =>
      authorization === 'Bearer at-1' ? unauthorized('Bearer error="invalid_token"') : unauthorized(STEP_UP),
    )
    await logIn()

    const response = await handle(get('/api/me'))

    expect(response.status).toBe(401)
    expect(response.headers.get('WWW-Authenticate')).toBe(STEP_UP)
    expect(apiCalls).toEqual(['GET /api/me Bearer at-1', 'GET /api/me Bearer at-2'])
    const stepUps = (await settled()).filter(({ type }) => type === 'STEP_UP_REQUIRED')
    expect(stepUps).toHaveLength(1)
  })

  it('an accepted replay does not mark its token: a later 401 for it is refreshed and replayed again', async () => {
    // at-1 is refused once, at-2 works for the first call and is refused for the second.
    let calls = 0
    const { handle, logIn, apiCalls, refreshes } = setUp((_request, authorization) => {
      calls += 1
      if (authorization === 'Bearer at-1') return unauthorized('Bearer error="invalid_token"')
      if (authorization === 'Bearer at-2' && calls > 2) return unauthorized('Bearer error="invalid_token"')
      return Response.json({ ok: true })
    })
    await logIn()
    expect((await handle(get('/api/first'))).status).toBe(200)

    const second = await handle(get('/api/second'))

    expect(second.status).toBe(200)
    expect(refreshes).toEqual(['rt-at-1', 'rt-at-2'])
    expect(apiCalls).toEqual([
      'GET /api/first Bearer at-1',
      'GET /api/first Bearer at-2',
      'GET /api/second Bearer at-2',
      'GET /api/second Bearer at-3',
    ])
  })

  it('a token refused right after its renewal is still replaced by one another request renewed since', async () => {
    // at-1 and at-2 are always refused; at-3 works. at-2 is refused right after its renewal, so a
    // 401 for it alone no longer costs a refresh; but a request sent with at-2 while another
    // request renewed to at-3 (at-2 about to expire) is replayed with at-3.
    const clock = { now: T0 }
    const held = deferred<void>()
    let holdNext = false
    const { handle, logIn, apiCalls, refreshes } = setUp(
      async (request, authorization) => {
        if (new URL(request.url).pathname === '/api/slow' && holdNext) await held.promise
        return authorization === 'Bearer at-3'
          ? Response.json({ ok: true })
          : unauthorized('Bearer error="invalid_token"')
      },
      {},
      clock,
    )
    await logIn()
    expect((await handle(get('/api/first'))).status).toBe(401)
    expect(refreshes).toEqual(['rt-at-1'])

    holdNext = true
    const slow = handle(get('/api/slow'))
    await new Promise((resolve) => setTimeout(resolve, 10))
    // at-2 is now about to expire: this request renews it first.
    clock.now = T0 + 3_600_000
    expect((await handle(get('/api/due'))).status).toBe(200)
    held.resolve()

    expect((await slow).status).toBe(200)
    expect(refreshes).toEqual(['rt-at-1', 'rt-at-2'])
    expect(apiCalls).toEqual([
      'GET /api/first Bearer at-1',
      'GET /api/first Bearer at-2',
      'GET /api/slow Bearer at-2',
      'GET /api/due Bearer at-3',
      'GET /api/slow Bearer at-3',
    ])
  })
})

describe('replayBodyLimitBytes: 0', () => {
  const setUpUnbuffered = () =>
    setUp(
      (request, authorization) =>
        authorization === 'Bearer at-1'
          ? unauthorized('Bearer error="invalid_token"')
          : new Response(request.method === 'HEAD' ? null : 'ok'),
      { replayBodyLimitBytes: 0 },
    )

  it.each(['GET', 'HEAD'])('still replays a %s, which has no body to copy', async (method) => {
    const { handle, logIn, apiCalls, refreshes } = setUpUnbuffered()
    await logIn()

    const response = await handle(get('/api/me', { method }))

    expect(response.status).toBe(200)
    expect(refreshes).toEqual(['rt-at-1'])
    expect(apiCalls).toEqual([`${method} /api/me Bearer at-1`, `${method} /api/me Bearer at-2`])
  })

  it('sends a body once as it came: the page gets the 401 and the refresh token is not used', async () => {
    const { handle, logIn, apiCalls, refreshes } = setUpUnbuffered()
    await logIn()

    const response = await handle(get('/api/upload', { method: 'POST', body: 'x' }))

    expect(response.status).toBe(401)
    expect(refreshes).toEqual([])
    expect(apiCalls).toEqual(['POST /api/upload Bearer at-1'])
  })
})

describe('request bodies', () => {
  const bodiesSeen = () => {
    const seen: string[] = []
    const answer: ApiAnswer = async (request, authorization) => {
      seen.push(await request.text())
      return authorization === 'Bearer at-1'
        ? unauthorized('Bearer error="invalid_token"')
        : Response.json({ ok: true })
    }
    return { seen, answer }
  }

  /** As Firefox gives it: no `Request.body`, on the request and on its clones alike. */
  function withoutBodyProperty(request: Request): Request {
    const clone = request.clone.bind(request)
    Object.defineProperty(request, 'body', { value: undefined })
    Object.defineProperty(request, 'clone', { value: () => withoutBodyProperty(clone()) })
    return request
  }

  it('without Request.body on the request or its clones, a small body is replayed byte for byte', async () => {
    const { seen, answer } = bodiesSeen()
    const { handle, logIn, apiCalls } = setUp(answer, { replayBodyLimitBytes: 16 })
    await logIn()

    const response = await handle(withoutBodyProperty(get('/api/upload', { method: 'PUT', body: 'small body' })))

    expect(response.status).toBe(200)
    expect(apiCalls).toEqual(['PUT /api/upload Bearer at-1', 'PUT /api/upload Bearer at-2'])
    expect(seen).toEqual(['small body', 'small body'])
  })

  it('a stream past the cap goes out before the page has finished writing it', async () => {
    // The stream stays open until the API has been called: buffering it whole first would wait forever.
    let close!: () => void
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(32))
        close = () => controller.close()
      },
    })
    const { handle, logIn, apiCalls } = setUp(() => (close(), Response.json({ ok: true })), {
      replayBodyLimitBytes: 16,
    })
    await logIn()

    const response = await handle(
      get('/api/upload', { method: 'POST', body: stream, duplex: 'half' } as RequestInit & { duplex: 'half' }),
    )

    expect(response.status).toBe(200)
    expect(apiCalls).toEqual(['POST /api/upload Bearer at-1'])
  })

  it('a copied body goes out with the referrer the page gave it', async () => {
    const referrers: string[] = []
    const { handle, logIn } = setUp((request) => (referrers.push(request.referrer), Response.json({ ok: true })))
    await logIn()

    await handle(get('/api/upload', { method: 'POST', body: 'x', referrer: `${ORIGIN}/page` }))

    expect(referrers).toEqual([`${ORIGIN}/page`])
  })
})
