import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { decisionLine } from '../protocol/decisionLines.js'
import type { TokenProxyDecision } from '../protocol/decisions.js'
import type { DecisionsMessage } from '../protocol/messages.js'
import { createDecisionLog, NO_DECISIONS, type DecisionLog } from './decisionLog.js'
import type { TokenProxyOptions } from './glossary.js'
import { collectDecisions, proxyOverFakes } from './testProxy.js'

/**
 * The decision log (the worker's side): what each decision records, that nothing is built while
 * it is off, that it reaches only the tabs that follow it, and that no event or console line ever
 * carries a token. `explain()` is in explainRequest.test.ts.
 */

const ORIGIN = 'https://app.example'
const T0 = 1_700_000_000_000
const ACCESS = ['at-first-secret', 'at-second-secret']
const REFRESH = ['rt-first-secret', 'rt-second-secret']

const OPTIONS: TokenProxyOptions = {
  api: ['/api/', { prefix: 'https://billing.example/v1/', resource: 'https://billing.example/' }],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh' },
  logout: '/auth/logout',
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  return { promise: new Promise<T>((settle) => (resolve = settle)), resolve }
}

/** A worker over a scripted network with a log that is on; `refreshed` holds the refresh answer. */
function worker(log?: DecisionLog) {
  const clock = { now: T0 }
  const collected = collectDecisions(() => clock.now)
  const refreshed = { next: deferred<void>() }
  let renewals = 0
  const api401s: string[] = []
  const fakes = proxyOverFakes(OPTIONS, {
    origin: ORIGIN,
    now: () => clock.now,
    log: log ?? collected.log,
    fetch: async (input, init) => {
      const request = new Request(input, init)
      const { pathname } = new URL(request.url)
      if (pathname === '/auth/login')
        return Response.json({ access_token: ACCESS[0], refresh_token: REFRESH[0], expires_in: 300 })
      if (pathname === '/auth/refresh') {
        renewals++
        await refreshed.next.promise
        return Response.json({ access_token: ACCESS[1], refresh_token: REFRESH[1], expires_in: 300 })
      }
      if (pathname === '/auth/logout') return new Response(null, { status: 204 })
      if (api401s.includes(pathname)) {
        api401s.splice(api401s.indexOf(pathname), 1)
        return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
      }
      return Response.json({ authorization: request.headers.get('Authorization') })
    },
  })
  const logIn = () =>
    fakes.proxy.handle(
      new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }),
      { role: 'token-endpoint' },
      () => undefined,
    )
  return { ...fakes, ...collected, clock, refreshed, renewals: () => renewals, api401s, logIn }
}

const types = (decisions: TokenProxyDecision[]) => decisions.map((decision) => decision.type)

/** Every event and every console line, checked against every token value the servers issued. */
function expectNoToken(decisions: TokenProxyDecision[]) {
  const text = JSON.stringify(decisions) + decisions.map(decisionLine).join('\n')
  for (const token of [...ACCESS, ...REFRESH]) expect(text).not.toContain(token)
  expect(text).not.toMatch(/Bearer/)
}

describe('the decision log', () => {
  it('records an API request once: its api entry, and the token it went out with and its seconds left', async () => {
    const { handle, decisions, logIn } = worker()
    await logIn()
    decisions.length = 0

    expect((await handle(new Request(`${ORIGIN}/api/me?tab=1`))).status).toBe(200)

    expect(decisions).toEqual([
      { type: 'token', method: 'GET', url: '/api/me?tab=1', api: '/api/', token: 'session', secondsLeft: 300, at: T0 },
    ])
    expectNoToken(decisions)
  })

  it('says why a request passes, with the nearest prefix for one on none', () => {
    const { proxy, decisions } = worker()
    const request = (url: string, init?: RequestInit) => proxy.route(new Request(url, init))
    const navigation = { url: `${ORIGIN}/api/x`, method: 'GET', mode: 'navigate', headers: new Headers() } as Request

    expect(request(`${ORIGIN}/apix`)).toBeUndefined()
    expect(request(`${ORIGIN}/v1/api/x`)).toBeUndefined()
    expect(request('https://other.example/api/x')).toBeUndefined()
    expect(request(`${ORIGIN}/api/x`, { headers: { Authorization: 'Basic c2VjcmV0' } })).toBeUndefined()
    expect(request(`${ORIGIN}/api/x`, { mode: 'no-cors' })).toBeUndefined()
    expect(proxy.route(navigation)).toBeUndefined()
    expect(request(`${ORIGIN}/auth/login`, { method: 'POST' })).toEqual({ role: 'token-endpoint' })

    expect(decisions.map(({ at: _at, ...decision }) => decision)).toEqual([
      {
        type: 'passed',
        method: 'GET',
        url: '/apix',
        why: 'not-on-a-prefix',
        nearest: { api: '/api/', why: 'segment-boundary' },
      },
      {
        type: 'passed',
        method: 'GET',
        url: '/v1/api/x',
        why: 'not-on-a-prefix',
        nearest: { api: '/api/', why: 'outside-path' },
      },
      {
        type: 'passed',
        method: 'GET',
        url: 'https://other.example/api/x',
        why: 'not-on-a-prefix',
        nearest: { api: '/api/', why: 'other-origin' },
      },
      { type: 'passed', method: 'GET', url: '/api/x', why: 'own-authorization' },
      { type: 'passed', method: 'GET', url: '/api/x', why: 'no-cors' },
      { type: 'passed', method: 'GET', url: '/api/x', why: 'navigation' },
      { type: 'request', method: 'POST', url: '/auth/login', role: 'token-endpoint' },
    ])
    // The page's own Authorization is never copied into the log.
    expect(JSON.stringify(decisions)).not.toContain('c2VjcmV0')
  })

  it('three requests at expiry: one renewal started, two joined it, one outcome for all three', async () => {
    const { handle, decisions, logIn, clock, refreshed, renewals } = worker()
    await logIn()
    clock.now = T0 + 299_000
    decisions.length = 0

    const answers = Promise.all(['/api/a', '/api/b', '/api/c'].map((path) => handle(new Request(`${ORIGIN}${path}`))))
    await vi.waitFor(() => expect(types(decisions).filter((type) => type === 'renewal')).toHaveLength(3))
    refreshed.next.resolve()
    expect((await answers).map((answer) => answer.status)).toEqual([200, 200, 200])

    expect(renewals()).toBe(1)
    const renewalEvents = decisions.filter((decision) => decision.type === 'renewal')
    expect(renewalEvents.map((decision) => decision.phase)).toEqual(['started', 'joined', 'joined'])
    expect(decisions.filter((decision) => decision.type === 'renewed')).toEqual([
      { type: 'renewed', token: 'session', outcome: 'renewed', requests: 3, lockMs: 0, ms: 0, at: clock.now },
    ])
    const sent = decisions.filter((decision) => decision.type === 'token')
    expect(sent.map((decision) => decision.secondsLeft)).toEqual([300, 300, 300])
    expectNoToken(decisions)
  })

  it('a 401: its verdict, the renewal and the replay', async () => {
    const { handle, decisions, logIn, refreshed, api401s } = worker()
    await logIn()
    refreshed.next.resolve()
    api401s.push('/api/orders')
    decisions.length = 0

    expect((await handle(new Request(`${ORIGIN}/api/orders`, { method: 'POST', body: '{"n":1}' }))).status).toBe(200)

    expect(types(decisions)).toEqual(['token', 'unauthorized', 'renewal', 'renewed', 'replay'])
    expect(decisions[1]).toMatchObject({ verdict: 'renew', error: 'invalid_token', url: '/api/orders' })
    expect(decisions[4]).toMatchObject({ replayed: true, status: 200, method: 'POST' })
    expectNoToken(decisions)
  })

  it('an API token not minted yet, a logout, and requests without a session', async () => {
    const { handle, decisions, logIn, refreshed, proxy } = worker()
    await logIn()
    refreshed.next.resolve()
    decisions.length = 0

    await handle(new Request('https://billing.example/v1/invoices'))
    await proxy.logout()
    await handle(new Request(`${ORIGIN}/api/me`))

    const billing = 'resource=https%3A%2F%2Fbilling.example%2F'
    expect(decisions.map(({ at: _at, ...decision }) => decision)).toEqual([
      { type: 'renewal', token: billing, phase: 'started' },
      { type: 'renewed', token: billing, outcome: 'renewed', requests: 1, lockMs: 0, ms: 0 },
      {
        type: 'token',
        method: 'GET',
        url: 'https://billing.example/v1/invoices',
        api: 'https://billing.example/v1/',
        token: billing,
        secondsLeft: 300,
      },
      { type: 'logout', ended: true },
      { type: 'no-token', method: 'GET', url: '/api/me', api: '/api/', why: 'no-session' },
    ])
    expectNoToken(decisions)
  })

  it('costs nothing when off: no event is built, and record is never called', async () => {
    const record = vi.fn()
    const off: DecisionLog = { ...NO_DECISIONS, record }
    const { handle, logIn, proxy } = worker(off)
    await logIn()
    await handle(new Request(`${ORIGIN}/api/me`))
    proxy.route(new Request(`${ORIGIN}/apix`))
    expect(record).not.toHaveBeenCalled()
  })
})

describe('createDecisionLog', () => {
  /** Windows the log posts to, by id: what each received. */
  function windows(...ids: string[]) {
    const open = new Map(ids.map((id) => [id, [] as DecisionsMessage[]]))
    const clients = {
      matchAll: () =>
        Promise.resolve(
          [...open.keys()].map((id) => ({
            id,
            postMessage: (message: DecisionsMessage) => open.get(id)?.push(message),
          })),
        ),
    }
    return { clients, open, received: (id: string) => open.get(id)?.flatMap((message) => message.payload.decisions) }
  }

  it('is off until a tab follows it, posts in order to the followers only, and is off again when they close', async () => {
    const { clients, open, received } = windows('a', 'b')
    const log = createDecisionLog(clients, () => T0, false)
    expect(log.enabled).toBe(false)

    log.follow('a', true)
    expect(log.enabled).toBe(true)
    log.record({ type: 'logout', ended: true })
    log.record({ type: 'session-end', reason: 'invalid_grant' })
    await vi.waitFor(() => expect(received('a')).toHaveLength(2))
    expect(received('a')).toEqual([
      { type: 'logout', ended: true, at: T0 },
      { type: 'session-end', reason: 'invalid_grant', at: T0 },
    ])
    // Both decisions went in one message, and tab b, which does not follow, got none.
    expect(open.get('a')).toHaveLength(1)
    expect(received('b')).toEqual([])

    open.delete('a')
    log.record({ type: 'logout', ended: false })
    await vi.waitFor(() => expect(log.enabled).toBe(false))
  })

  it('with the worker option debug: true, is on from the start for every window', async () => {
    const { clients, received } = windows('a', 'b')
    const log = createDecisionLog(clients, () => T0, true)
    expect(log.enabled).toBe(true)
    log.record({ type: 'logout', ended: true })
    await vi.waitFor(() => expect(received('b')).toHaveLength(1))
    expect(received('a')).toHaveLength(1)
    log.follow('a', false)
    expect(log.enabled).toBe(true)
  })
})
