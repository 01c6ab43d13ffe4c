import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { proxyOverFakes } from './testProxy.js'

// A 401 is the API's verdict on the token only when it comes from that API. A request redirected
// onto another API's prefix (an `api` entry with its own resource or audience: another token) gets
// that API's 401, which says nothing about the token this request was sent with: no refresh, no
// replay, the page gets the 401 as it came.

const ORIGIN = 'https://app.example'
const ORDERS = 'https://orders.example'

/**
 * The app's network. `redirects` maps a path to where the fake fetch lands (following the
 * redirect as the browser does: one response, `redirected: true`, the landing `url`); every
 * landing page answers 401, so does every API call until a token was renewed.
 */
function setUp(redirects: Record<string, string>) {
  const sent: string[] = []
  const renewals: string[] = []
  let issued = 1
  const { handle } = proxyOverFakes(
    {
      api: [
        '/api/',
        { prefix: '/api/orders/', resource: `${ORDERS}/` },
        { prefix: '/api/billing/', audience: 'urn:billing' },
      ],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
    },
    {
      origin: ORIGIN,
      fetch: async (input, init) => {
        const request = new Request(input, init)
        const { pathname } = new URL(request.url)
        sent.push(`${request.method} ${pathname} ${request.headers.get('Authorization')}`)
        if (pathname === '/auth/login') return tokens('at-session-1')
        if (pathname === '/auth/refresh') {
          const form = new URLSearchParams(await request.text())
          const target = form.get('resource') ?? form.get('audience') ?? 'session'
          renewals.push(target)
          issued += 1
          return tokens(`at-${target === 'session' ? 'session' : 'api'}-${issued}`)
        }
        const landing = redirects[pathname]
        if (landing === undefined) return Response.json({ ok: true })
        const response = new Response(null, {
          status: 401,
          headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
        })
        Object.defineProperties(response, { redirected: { value: true }, url: { value: `${ORIGIN}${landing}` } })
        return response
      },
    },
  )
  return { handle, sent, renewals }
}

const tokens = (access: string) =>
  Response.json({ access_token: access, refresh_token: `rt-for-${access}`, token_type: 'Bearer', expires_in: 3600 })

/** Logs in, and warms up the per-API tokens, so that what follows counts only the redirect's effects. */
async function loggedIn(setup: ReturnType<typeof setUp>) {
  await setup.handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  await setup.handle(new Request(`${ORIGIN}/api/orders/warm-up`))
  await setup.handle(new Request(`${ORIGIN}/api/billing/warm-up`))
  setup.sent.length = 0
  setup.renewals.length = 0
}

describe("a 401 after a redirect onto another API's prefix is not this API's verdict", () => {
  it.each([
    ['the session token', '/api/me', '/api/orders/sign-in'],
    ['the session token', '/api/me', '/api/billing/sign-in'],
    ['a resource token', '/api/orders/list', '/api/sign-in'],
    ['a resource token', '/api/orders/list', '/api/billing/sign-in'],
    ['an audience token', '/api/billing/due', '/api/orders/sign-in'],
  ])('does not refresh or replay a request sent with %s (%s → %s)', async (_token, from, to) => {
    const setup = setUp({ [from]: to })
    await loggedIn(setup)

    const response = await setup.handle(new Request(`${ORIGIN}${from}`, { method: 'POST', body: 'order 42' }))

    expect(response.status).toBe(401)
    expect(setup.renewals).toEqual([])
    expect(setup.sent).toHaveLength(1)
    expect(setup.sent[0]).toMatch(new RegExp(`^POST ${from} Bearer at-`))
  })
})

describe('a 401 after a redirect within the same API is its verdict (control)', () => {
  it('refreshes once and replays once for a redirect that stays on the same API', async () => {
    const setup = setUp({ '/api/orders/old': '/api/orders/new' })
    await loggedIn(setup)

    await setup.handle(new Request(`${ORIGIN}/api/orders/old`))

    expect(setup.renewals).toEqual([`${ORDERS}/`])
    expect(setup.sent.filter((line) => line.startsWith('GET /api/orders/old'))).toHaveLength(2)
  })
})
