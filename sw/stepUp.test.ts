import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import type { BroadcastPayloads, BroadcastType } from '../protocol/messages.js'
import { readBearerChallenge } from './bearerChallenge.js'
import { createTokenProxy } from './createTokenProxy.js'
import type { TokenProxyOptions } from './glossary.js'
import { noLocks } from './SessionRefresher.js'
import { TokenStore } from './tokenStore.js'

// RFC 9470 step-up: an API that answers 401 `insufficient_user_authentication` gets neither a
// refresh nor a replay; the page gets that 401, and every tab hears STEP_UP_REQUIRED once per
// login and requirement. The proxy over fakes, as in createTokenProxy.test.ts.

const ORIGIN = 'https://app.example'
const PAYMENTS = 'https://payments.example'

const OPTIONS: TokenProxyOptions = {
  api: ['/api/', { prefix: `${PAYMENTS}/`, resource: `${PAYMENTS}/` }],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', clientId: 'spa' },
  logout: '/auth/logout',
}

interface Broadcasted {
  type: BroadcastType
  payload: BroadcastPayloads[BroadcastType]
}

function setUp(
  answer: (request: Request) => Response | Promise<Response>,
  databaseName = `step-up-test-${crypto.randomUUID()}`,
) {
  const sent: string[] = []
  const broadcasts: Broadcasted[] = []
  const pending: Array<Promise<unknown>> = []
  const proxy = createTokenProxy(OPTIONS, {
    origin: ORIGIN,
    fetch: async (input, init) => {
      const request = new Request(input, init)
      const url = new URL(request.url)
      sent.push(
        `${request.method} ${url.origin === ORIGIN ? url.pathname : url.href} ${request.headers.get('Authorization')}`,
      )
      return answer(request)
    },
    store: new TokenStore(databaseName),
    locks: noLocks,
    broadcast: (type, payload) => (broadcasts.push({ type, payload }), Promise.resolve()),
    now: () => 1_000_000,
    warn: () => undefined,
  })
  const handle = (request: Request) => {
    const route = proxy.route(request)
    if (!route) throw new Error(`not routed: ${request.url}`)
    return proxy.handle(request, route, (promise) => void pending.push(promise))
  }
  /** Every step-up notice, after the ones still under `waitUntil` have settled. */
  const stepUps = async () => {
    await Promise.all(pending)
    return broadcasts.filter((message) => message.type === 'STEP_UP_REQUIRED').map((message) => message.payload)
  }
  const logIn = (user: string) => handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: user }))
  return { proxy, handle, sent, broadcasts, stepUps, logIn }
}

const tokens = (access: string, refresh: string) =>
  Response.json({ access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: 3600 })

const stepUpChallenge = (challenge: string) =>
  new Response('{"error":"insufficient_user_authentication"}', {
    status: 401,
    headers: { 'WWW-Authenticate': challenge, 'Content-Type': 'application/json' },
  })

const STRONG = 'Bearer error="insufficient_user_authentication", acr_values="urn:example:strong", max_age=300'

/** An auth server that hands out `at-<user>` / `rt-<user>` at login and counts refreshes. */
function authAnswers(request: Request, counts: { refreshes: number }): Promise<Response> | Response | undefined {
  if (request.url.endsWith('/auth/login')) return request.text().then((user) => tokens(`at-${user}`, `rt-${user}`))
  if (request.url.endsWith('/auth/logout')) return new Response(null, { status: 204 })
  if (request.url.endsWith('/auth/refresh')) {
    counts.refreshes += 1
    return tokens(`at-renewed-${counts.refreshes}`, `rt-renewed-${counts.refreshes}`)
  }
  return undefined
}

describe('step-up (RFC 9470)', () => {
  it('passes the 401 to the page as it came, without a refresh or a replay, and tells the tabs what the API asked for', async () => {
    const counts = { refreshes: 0 }
    const { handle, sent, stepUps, logIn } = setUp((request) => authAnswers(request, counts) ?? stepUpChallenge(STRONG))
    await logIn('alice')

    const response = await handle(new Request(`${ORIGIN}/api/transfer`, { method: 'POST', body: 'pay 10' }))

    expect(response.status).toBe(401)
    expect(response.headers.get('WWW-Authenticate')).toBe(STRONG)
    expect(await response.json()).toEqual({ error: 'insufficient_user_authentication' })
    expect(sent.slice(1)).toEqual(['POST /api/transfer Bearer at-alice'])
    expect(counts.refreshes).toBe(0)
    // The requirement, and nothing else: no token.
    expect(await stepUps()).toEqual([{ acrValues: 'urn:example:strong', maxAge: 300 }])
  })

  it('tells the tabs once for ten concurrent refusals, again for another requirement, and again after a new sign-in', async () => {
    const counts = { refreshes: 0 }
    const { handle, stepUps, logIn } = setUp((request) => {
      const auth = authAnswers(request, counts)
      if (auth) return auth
      if (request.url.includes('/api/recent'))
        return stepUpChallenge('DPoP algs="ES256", error="insufficient_user_authentication", max_age=0')
      // The same classes in another order are the same requirement.
      return stepUpChallenge(
        request.url.includes('reordered')
          ? 'Bearer error="insufficient_user_authentication", acr_values="urn:b  urn:a"'
          : 'Bearer error="insufficient_user_authentication", acr_values="urn:a urn:b"',
      )
    })
    await logIn('alice')

    const statuses = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const path = index % 2 === 0 ? '/api/sensitive' : '/api/sensitive/reordered'
        return (await handle(new Request(`${ORIGIN}${path}`))).status
      }),
    )
    expect(statuses).toEqual(Array(10).fill(401))
    expect(await stepUps()).toEqual([{ acrValues: 'urn:a urn:b' }])

    // Another requirement (a recent authentication, in a DPoP challenge) is told; once.
    await Promise.all([1, 2, 3].map(() => handle(new Request(`${ORIGIN}/api/recent`))))
    expect(await stepUps()).toEqual([{ acrValues: 'urn:a urn:b' }, { maxAge: 0 }])

    // A new sign-in is a new login: the same requirement is news to it.
    await logIn('alice-again')
    await handle(new Request(`${ORIGIN}/api/sensitive`))
    expect(await stepUps()).toEqual([{ acrValues: 'urn:a urn:b' }, { maxAge: 0 }, { acrValues: 'urn:a urn:b' }])
    expect(counts.refreshes).toBe(0)
  })

  it('for an API with its own token: mints it once, then neither renews nor replays on the step-up', async () => {
    const counts = { refreshes: 0 }
    const { handle, sent, stepUps, logIn } = setUp((request) => {
      const auth = authAnswers(request, counts)
      if (auth) return auth
      return request.url.endsWith('/sensitive') ? stepUpChallenge(STRONG) : Response.json({ ok: true })
    })
    await logIn('alice')

    expect((await handle(new Request(`${PAYMENTS}/balance`))).status).toBe(200)
    const refusals = await Promise.all([1, 2, 3].map(() => handle(new Request(`${PAYMENTS}/sensitive`))))

    expect(refusals.map((response) => response.status)).toEqual([401, 401, 401])
    expect(counts.refreshes).toBe(1)
    expect(sent.filter((line) => line.includes(PAYMENTS))).toEqual([
      `GET ${PAYMENTS}/balance Bearer at-renewed-1`,
      ...Array<string>(3).fill(`GET ${PAYMENTS}/sensitive Bearer at-renewed-1`),
    ])
    expect(await stepUps()).toEqual([{ acrValues: 'urn:example:strong', maxAge: 300 }])
  })

  it('a step-up met by the replay after an expired token costs that one refresh and is told once', async () => {
    const counts = { refreshes: 0 }
    const { handle, sent, stepUps, logIn } = setUp((request) => {
      const auth = authAnswers(request, counts)
      if (auth) return auth
      return request.headers.get('Authorization') === 'Bearer at-alice'
        ? new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
        : stepUpChallenge(STRONG)
    })
    await logIn('alice')

    expect((await handle(new Request(`${ORIGIN}/api/sensitive`))).status).toBe(401)
    expect((await handle(new Request(`${ORIGIN}/api/sensitive`))).status).toBe(401)

    expect(counts.refreshes).toBe(1)
    expect(sent.slice(1)).toEqual([
      'GET /api/sensitive Bearer at-alice',
      'POST /auth/refresh null',
      'GET /api/sensitive Bearer at-renewed-1',
      'GET /api/sensitive Bearer at-renewed-1',
    ])
    expect(await stepUps()).toEqual([{ acrValues: 'urn:example:strong', maxAge: 300 }])
  })

  it('tells nobody about a refusal of a login that ended while the request was out', async () => {
    let release!: (response: Response) => void
    const counts = { refreshes: 0 }
    const { handle, stepUps, logIn } = setUp(
      (request) => authAnswers(request, counts) ?? new Promise<Response>((resolve) => (release = resolve)),
    )
    await logIn('alice')
    const request = handle(new Request(`${ORIGIN}/api/sensitive`))
    await expect.poll(() => release).toBeDefined()

    await handle(new Request(`${ORIGIN}/auth/logout`, { method: 'POST' }))
    await logIn('bob')
    release(stepUpChallenge(STRONG))

    expect((await request).status).toBe(401)
    expect(await stepUps()).toEqual([])
  })

  it('tells nobody when another worker signed the next user in while the request was out', async () => {
    // Two workers on one database: an old version finishing its requests during an update, say.
    let release!: (response: Response) => void
    const counts = { refreshes: 0 }
    const databaseName = `step-up-test-${crypto.randomUUID()}`
    const old = setUp(
      (request) => authAnswers(request, counts) ?? new Promise<Response>((resolve) => (release = resolve)),
      databaseName,
    )
    const current = setUp((request) => authAnswers(request, counts) ?? Response.json({ ok: true }), databaseName)
    await old.logIn('alice')
    const request = old.handle(new Request(`${ORIGIN}/api/sensitive`))
    await expect.poll(() => release).toBeDefined()

    await current.logIn('bob')
    release(stepUpChallenge(STRONG))

    expect((await request).status).toBe(401)
    expect(await old.stepUps()).toEqual([])
  })

  it('says nothing about a step-up 401 from a page the request was redirected to off the api prefixes', async () => {
    const counts = { refreshes: 0 }
    const { handle, stepUps, logIn } = setUp((request) => {
      const auth = authAnswers(request, counts)
      if (auth) return auth
      const landing = stepUpChallenge(STRONG)
      Object.defineProperties(landing, { redirected: { value: true }, url: { value: `${ORIGIN}/elsewhere` } })
      return landing
    })
    await logIn('alice')

    expect((await handle(new Request(`${ORIGIN}/api/me`))).status).toBe(401)
    expect(await stepUps()).toEqual([])
    expect(counts.refreshes).toBe(0)
  })
})

describe('readBearerChallenge', () => {
  const read = (challenge: string | undefined) =>
    readBearerChallenge(
      new Response(null, { status: 401, headers: challenge === undefined ? {} : { 'WWW-Authenticate': challenge } }),
    )

  it.each<[string, string | undefined, ReturnType<typeof readBearerChallenge>]>([
    ['no header', undefined, { error: undefined, stepUp: undefined }],
    ['an expired token', 'Bearer error="invalid_token"', { error: 'invalid_token', stepUp: undefined }],
    [
      'a scheme without an error before the one with it',
      'DPoP algs="ES256", Bearer error="INSUFFICIENT_SCOPE"',
      {
        error: 'insufficient_scope',
        stepUp: undefined,
      },
    ],
    [
      'an error of another scheme, which says nothing about our token',
      'Custom error="insufficient_user_authentication"',
      {
        error: undefined,
        stepUp: undefined,
      },
    ],
    [
      'a step-up without values',
      'Bearer error="insufficient_user_authentication"',
      {
        error: 'insufficient_user_authentication',
        stepUp: {},
      },
    ],
    [
      'a step-up with messy spacing and an unquoted max_age',
      'Bearer error=insufficient_user_authentication, acr_values=" a   b ", max_age=60',
      {
        error: 'insufficient_user_authentication',
        stepUp: { acrValues: 'a b', maxAge: 60 },
      },
    ],
    [
      'malformed values, which are left out',
      'Bearer error="insufficient_user_authentication", acr_values="a\\"b", max_age="-5"',
      {
        error: 'insufficient_user_authentication',
        stepUp: {},
      },
    ],
  ])('%s', (_what, challenge, expected) => {
    expect(read(challenge)).toEqual(expected)
  })
})
