import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createTokenProxy } from './createTokenProxy.js'
import type { TokenProxyOptions } from './glossary.js'
import { noLocks, type Locks } from './SessionRefresher.js'
import { TokenStore } from './tokenStore.js'
import { createTestLocks } from './testLocks.js'

// Policy 11, many APIs, one refresh token: the proxy over fakes, with an auth server that rotates
// refresh tokens strictly (a reused one is refused and counted) and two APIs on their own origins.

const ORIGIN = 'https://app.example'
const ORDERS = 'https://orders.example'
const BILLING = 'https://billing.example'
const T0 = 1_700_000_000_000
const HOUR = 3_600_000

const OPTIONS: TokenProxyOptions = {
  api: [
    '/api/',
    { prefix: `${ORDERS}/`, resource: `${ORDERS}/` },
    // Longer than the entry above, on the same origin: its URLs get the billing token.
    { prefix: `${ORDERS}/billing/`, resource: `${BILLING}/` },
    { prefix: `${BILLING}/`, resource: `${BILLING}/`, scope: 'invoices:read' },
  ],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', clientId: 'spa' },
}

/** Lets the proxy's pending work run up to its next wait on a fake. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 20))

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  return { promise: new Promise<void>((settle) => (resolve = settle)), resolve }
}

/**
 * The auth server: one live refresh token at a time, rotated on every use; a token presented again
 * is a reuse (answered `invalid_grant`). It records each use (which token, for which resource) and
 * the most uses ever in progress at once. `hold()` keeps answers until released.
 */
function createAuthServer() {
  let live = 'rt-1'
  let issued = 1
  let inProgress = 0
  let gate: ReturnType<typeof deferred> | undefined
  const server = {
    uses: [] as Array<{ refreshToken: string; resource: string | null; scope: string | null }>,
    reuses: 0,
    mostAtOnce: 0,
  }
  return {
    ...server,
    get state() {
      return server
    },
    hold(): () => void {
      const held = deferred()
      gate = held
      return () => {
        gate = undefined
        held.resolve()
      }
    },
    async answer(request: Request): Promise<Response> {
      const form = new URLSearchParams(await request.text())
      const refreshToken = form.get('refresh_token') ?? ''
      server.uses.push({ refreshToken, resource: form.get('resource'), scope: form.get('scope') })
      inProgress += 1
      server.mostAtOnce = Math.max(server.mostAtOnce, inProgress)
      try {
        // A real server takes a while: long enough for an unserialised second use to overlap.
        await new Promise((resolve) => setTimeout(resolve, 5))
        if (gate) await gate.promise
        if (refreshToken !== live) {
          server.reuses += 1
          return Response.json({ error: 'invalid_grant' }, { status: 400 })
        }
        issued += 1
        live = `rt-${issued}`
        const audience = form.get('resource') ?? 'session'
        return Response.json({
          access_token: `at(${audience})#${issued}`,
          refresh_token: live,
          token_type: 'Bearer',
          expires_in: 3600,
        })
      } finally {
        inProgress -= 1
      }
    },
  }
}

function setUp(options: { locks?: Locks; api?: (request: Request) => Response | Promise<Response> } = {}) {
  const auth = createAuthServer()
  const clock = { now: T0 }
  const seenByApi: Array<{ url: string; authorization: string | null }> = []
  const store = new TokenStore(`resource-tokens-${crypto.randomUUID()}`)
  const proxy = createTokenProxy(OPTIONS, {
    origin: ORIGIN,
    fetch: async (input, init) => {
      const request = new Request(input, init)
      const { pathname } = new URL(request.url)
      if (request.url === `${ORIGIN}/auth/login`)
        return Response.json({
          access_token: 'at(session)#1',
          refresh_token: 'rt-1',
          token_type: 'Bearer',
          expires_in: 3600,
        })
      if (pathname === '/auth/refresh') return auth.answer(request)
      seenByApi.push({ url: request.url, authorization: request.headers.get('Authorization') })
      return options.api?.(request) ?? Response.json({ ok: true })
    },
    store,
    locks: options.locks ?? createTestLocks(),
    broadcast: () => Promise.resolve(),
    now: () => clock.now,
    warn: () => undefined,
  })
  const send = async (request: Request) => {
    const route = proxy.route(request)
    if (route?.role !== 'api') throw new Error(`not an API request: ${request.url}`)
    return (await proxy.handle(request, route, () => undefined)).status
  }
  const get = (url: string) => send(new Request(url.startsWith('/') ? `${ORIGIN}${url}` : url))
  const logIn = () =>
    proxy.handle(
      new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }),
      { role: 'token-endpoint' },
      () => undefined,
    )
  /** The token each URL received, as `url -> at(audience)`, without the serial number. */
  const audiences = () =>
    seenByApi.map(
      ({ url, authorization }) => `${url} ${authorization?.replace(/^Bearer (at\([^)]*\))#\d+$/, '$1') ?? 'none'}`,
    )
  return { auth, clock, get, send, logIn, seenByApi, audiences, store }
}

describe('many APIs, one refresh token (Policy 11)', () => {
  it('sends each API only its own token, chosen by the longest matching prefix; the first request for an API mints its token', async () => {
    const { auth, get, logIn, audiences } = setUp()
    await logIn()

    expect(await get('/api/me')).toBe(200)
    expect(await get(`${ORDERS}/orders/1`)).toBe(200)
    expect(await get(`${ORDERS}/billing/7`)).toBe(200)
    expect(await get(`${BILLING}/invoices`)).toBe(200)

    expect(audiences()).toEqual([
      `${ORIGIN}/api/me at(session)`,
      `${ORDERS}/orders/1 at(${ORDERS}/)`,
      `${ORDERS}/billing/7 at(${BILLING}/)`,
      `${BILLING}/invoices at(${BILLING}/)`,
    ])
    // The session token needed no renewal; each resource (and scope) one, in rotation order.
    expect(auth.state.uses).toEqual([
      { refreshToken: 'rt-1', resource: `${ORDERS}/`, scope: null },
      { refreshToken: 'rt-2', resource: `${BILLING}/`, scope: null },
      { refreshToken: 'rt-3', resource: `${BILLING}/`, scope: 'invoices:read' },
    ])
  })

  it.each([
    ['Web Locks', createTestLocks],
    ['no Web Locks (the worker’s own queue)', () => noLocks],
  ])(
    'renews APIs whose tokens expire at once one after another, never presenting a refresh token twice (%s)',
    async (_name, locks) => {
      const { auth, clock, get, logIn, audiences } = setUp({ locks: locks() })
      await logIn()
      await Promise.all([get(`${ORDERS}/a`), get(`${BILLING}/b`)])

      clock.now = T0 + 2 * HOUR // every token, the session's included, is past its lifetime
      const statuses = await Promise.all([
        ...Array.from({ length: 5 }, (_, i) => get(`${ORDERS}/o${i}`)),
        ...Array.from({ length: 5 }, (_, i) => get(`${BILLING}/b${i}`)),
        ...Array.from({ length: 5 }, (_, i) => get(`/api/s${i}`)),
      ])

      expect(statuses).toEqual(Array(15).fill(200))
      const presented = auth.state.uses.map((use) => use.refreshToken)
      expect(presented).toEqual(['rt-1', 'rt-2', 'rt-3', 'rt-4', 'rt-5'])
      expect(auth.state.reuses).toBe(0)
      expect(auth.state.mostAtOnce).toBe(1)
      // One renewal per API per expiry: orders, billing and the session's own.
      expect(
        auth.state.uses
          .slice(2)
          .map((use) => use.resource ?? 'session')
          .sort(),
      ).toEqual([`${BILLING}/`, `${ORDERS}/`, 'session'])
      for (const line of audiences()) {
        const [url, token] = line.split(' ')
        const expected = url?.startsWith(ORDERS)
          ? `at(${ORDERS}/)`
          : url?.startsWith(BILLING)
            ? `at(${BILLING}/)`
            : 'at(session)'
        expect(token, url).toBe(expected)
      }
    },
  )

  it("never makes a request whose token is valid wait for another API's renewal", async () => {
    const { auth, get, logIn } = setUp()
    await logIn()
    expect(await get(`${ORDERS}/first`)).toBe(200)

    const release = auth.hold()
    const billing = get(`${BILLING}/first`) // no token yet: its renewal is held at the server
    await expect.poll(() => auth.state.uses.length).toBe(2)

    // Orders' and the session's tokens are valid: answered while billing's renewal is still out.
    expect(await get(`${ORDERS}/second`)).toBe(200)
    expect(await get('/api/me')).toBe(200)
    release()
    expect(await billing).toBe(200)
    expect(auth.state.uses).toHaveLength(2)
  })

  it('on a 401 from one API renews only that API’s token and replays once; a token refused right after renewal is not renewed again', async () => {
    let ordersRefusals = 1
    const { auth, get, logIn, audiences } = setUp({
      api: (request) => {
        const refuse =
          request.url.startsWith(`${BILLING}/always-401`) || (request.url.startsWith(ORDERS) && ordersRefusals-- > 0)
        return refuse
          ? new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
          : Response.json({ ok: true })
      },
    })
    await logIn()
    await get(`${BILLING}/ok`)

    expect(await get(`${ORDERS}/x`)).toBe(200) // mint, 401, renew, replay
    expect(auth.state.uses.map((use) => use.resource)).toEqual([`${BILLING}/`, `${ORDERS}/`, `${ORDERS}/`])
    expect(audiences().filter((line) => line.startsWith(`${ORDERS}/x`))).toEqual([
      `${ORDERS}/x at(${ORDERS}/)`,
      `${ORDERS}/x at(${ORDERS}/)`,
    ])

    expect(await get(`${BILLING}/always-401`)).toBe(401) // renewed once, replayed once, refused again
    expect(await get(`${BILLING}/always-401`)).toBe(401) // refused right after renewal: passed through
    expect(auth.state.uses.map((use) => use.resource)).toEqual([
      `${BILLING}/`,
      `${ORDERS}/`,
      `${ORDERS}/`,
      `${BILLING}/`,
    ])
    expect(auth.state.reuses).toBe(0)
  })

  it("remembers a session token refused right after its renewal across another API's renewal", async () => {
    // The session's own API refuses every token; the orders API accepts its own.
    const { auth, get, logIn } = setUp({
      api: (request) =>
        request.url.startsWith(`${ORIGIN}/api/`)
          ? new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
          : Response.json({ ok: true }),
    })
    await logIn()
    expect(await get('/api/a')).toBe(401) // renewed once, replayed once, refused again
    expect(await get('/api/b')).toBe(401) // passed through
    expect(await get(`${ORDERS}/x`)).toBe(200) // mints the orders token: the record's generation moves

    expect(await get('/api/c')).toBe(401)
    expect(auth.state.uses.map((use) => use.resource ?? 'session')).toEqual(['session', `${ORDERS}/`])
  })

  it('renews a refused session token even when a refresh for an older token is queued before it', async () => {
    // R1 (an upload) reads the session before its slow body is copied; R3 renews the token in the
    // meantime; R2 goes out with that new token. R1 then asks to renew its older token, queued
    // behind another API's renewal, and R2's 401 asks too. Sharing R1's refresh could only hand
    // R2 the token it was just refused with: R2 must be replayed with a newer one.
    let bRefusals = 1
    const bAnswer = deferred()
    const { auth, clock, get, send, logIn, seenByApi } = setUp({
      api: async (request) => {
        if (request.url !== `${ORIGIN}/api/b` || bRefusals-- <= 0) return Response.json({ ok: true })
        await bAnswer.promise
        return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
      },
    })
    await logIn()
    clock.now = T0 + HOUR - 10_000 // the session token is due for renewal

    const bodyCopied = deferred()
    const upload = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await bodyCopied.promise
        controller.enqueue(new TextEncoder().encode('x'))
        controller.close()
      },
    })
    const r1 = send(
      new Request(`${ORIGIN}/api/upload`, { method: 'POST', body: upload, duplex: 'half' } as RequestInit),
    )
    await tick()
    expect(await get('/api/a')).toBe(200) // R3 renews the session token
    const r2 = get('/api/b') // R2: sent with R3's token; its 401 is held
    await tick()
    const release = auth.hold()
    const orders = get(`${ORDERS}/x`) // the orders mint waits at the auth server, holding the login's queue
    await tick()
    bodyCopied.resolve() // R1 asks to renew its older token, behind the orders mint
    await tick()
    bAnswer.resolve() // R2's 401 arrives: it asks to renew the token it was refused with
    await tick()
    release()

    expect(await r2).toBe(200)
    const r2Tokens = seenByApi.filter(({ url }) => url === `${ORIGIN}/api/b`).map(({ authorization }) => authorization)
    expect(r2Tokens).toHaveLength(2)
    expect(r2Tokens[1]).not.toBe(r2Tokens[0])
    expect(await r1).toBe(200)
    expect(await orders).toBe(200)
    expect(auth.state.reuses).toBe(0)
  })

  it('keeps the other APIs’ tokens across a renewal of the session token, and reads records without them as none', async () => {
    const { auth, clock, get, logIn, store } = setUp()
    await logIn()
    expect((await store.current()).tokens?.resourceTokens).toBeUndefined()
    clock.now = T0 + 30 * 60_000
    await get(`${ORDERS}/a`)

    clock.now = T0 + 59 * 60_000 + 45_000 // inside refreshAheadSeconds of the session token only
    await get('/api/me')
    await get(`${ORDERS}/b`)

    expect(auth.state.uses.map((use) => use.resource ?? 'session')).toEqual([`${ORDERS}/`, 'session'])
    expect(Object.keys((await store.current()).tokens?.resourceTokens ?? {})).toEqual([
      `resource=${encodeURIComponent(`${ORDERS}/`)}`,
    ])
  })
})
