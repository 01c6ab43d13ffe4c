import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openAuthenticatedWebSocket } from './openAuthenticatedWebSocket.js'

const TICKET = 'one-time-ticket-value'

/** A WebSocket stand-in: records what it was opened with, then opens or closes as the test says. */
class FakeWebSocket extends EventTarget {
  static created: FakeWebSocket[] = []
  static outcome: 'open' | 'refuse' = 'open'
  readonly url: string
  readonly protocols: string | string[] | undefined

  constructor(url: URL | string, protocols?: string | string[]) {
    super()
    this.url = String(url)
    this.protocols = protocols
    FakeWebSocket.created.push(this)
    setTimeout(() => {
      if (FakeWebSocket.outcome === 'open') return void this.dispatchEvent(new Event('open'))
      this.dispatchEvent(new Event('error'))
      this.dispatchEvent(Object.assign(new Event('close'), { code: 1006 }))
    }, 0)
  }
}

function answerTicketWith(response: () => Response | Promise<Response>) {
  const fetch = vi.fn(async (_url: string, _init: RequestInit) => response())
  vi.stubGlobal('fetch', fetch)
  return fetch
}

beforeEach(() => {
  FakeWebSocket.created = []
  FakeWebSocket.outcome = 'open'
  vi.stubGlobal('WebSocket', FakeWebSocket)
  vi.stubGlobal('location', new URL('https://app.example/page'))
  vi.stubGlobal('navigator', { serviceWorker: { controller: {} } })
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('openAuthenticatedWebSocket', () => {
  it('POSTs the ticket URL with a plain fetch, then opens the socket with the ticket once it is open', async () => {
    const fetch = answerTicketWith(() => Response.json({ ticket: TICKET, expires_in: 30 }))

    const socket = await openAuthenticatedWebSocket('/ws?room=1', { ticketUrl: '/api/ws-ticket', protocols: ['chat'] })

    expect(fetch).toHaveBeenCalledOnce()
    expect(fetch.mock.calls[0]?.[0]).toBe('/api/ws-ticket')
    expect(fetch.mock.calls[0]?.[1]).toMatchObject({ method: 'POST', cache: 'no-store', credentials: 'same-origin' })
    expect(FakeWebSocket.created).toHaveLength(1)
    expect(socket).toBe(FakeWebSocket.created[0])
    const opened = new URL(FakeWebSocket.created[0]!.url)
    expect(`${opened.origin}${opened.pathname}`).toBe('wss://app.example/ws')
    expect(opened.searchParams.get('room')).toBe('1')
    expect(opened.searchParams.get('ticket')).toBe(TICKET)
    expect(FakeWebSocket.created[0]!.protocols).toEqual(['chat'])
  })

  it('puts the ticket in the parameter it is told, and keeps ws: URLs as they are', async () => {
    answerTicketWith(() => Response.json({ ticket: TICKET }))

    await openAuthenticatedWebSocket('ws://other.example/live', { ticketUrl: '/api/ws-ticket', ticketParam: 'access' })

    const opened = new URL(FakeWebSocket.created[0]!.url)
    expect(opened.protocol).toBe('ws:')
    expect(opened.searchParams.get('access')).toBe(TICKET)
    expect(opened.searchParams.has('ticket')).toBe(false)
  })

  it('rejects with ERR_WEBSOCKET_TICKET and says to sign in when the ticket endpoint answers 401', async () => {
    answerTicketWith(() => new Response('{"error":"unauthorized"}', { status: 401 }))

    await expect(openAuthenticatedWebSocket('/ws', { ticketUrl: '/api/ws-ticket' })).rejects.toMatchObject({
      name: 'TokenProxyError',
      code: 'ERR_WEBSOCKET_TICKET',
      message:
        '[sw-token-proxy] Failed to open the WebSocket: the ticket endpoint /api/ws-ticket answered 401: there is no session (never signed in, or it ended). Sign in, then open the socket again (the session-expired event tells you when a session ends).',
    })
    expect(FakeWebSocket.created).toHaveLength(0)
  })

  it('says to register the worker first when a page without one gets a 401', async () => {
    vi.stubGlobal('navigator', { serviceWorker: { controller: null } })
    answerTicketWith(() => new Response('', { status: 401 }))

    const error: unknown = await openAuthenticatedWebSocket('/ws', { ticketUrl: '/api/ws-ticket' }).catch(
      (error: unknown) => error,
    )

    expect(error).toMatchObject({ code: 'ERR_WEBSOCKET_TICKET' })
    expect((error as Error).message).toContain(
      'this page has no service worker to add the token. Await registerTokenProxy() before opening the socket',
    )
  })

  it.each([
    ['a 500', () => new Response('oops', { status: 500 }), 'the ticket endpoint /api/ws-ticket answered 500'],
    [
      'a JSON body without a ticket',
      () => Response.json({ token: 'x' }),
      'answered 200 without a "ticket" string in a JSON body',
    ],
    ['an empty ticket', () => Response.json({ ticket: '' }), 'answered 200 without a "ticket" string'],
    ['a body that is not JSON', () => new Response('<html>'), 'answered 200 without a "ticket" string'],
    [
      'no answer at all',
      () => Promise.reject(new TypeError('Failed to fetch')),
      'the ticket request to /api/ws-ticket got no answer (Failed to fetch)',
    ],
  ])('rejects with ERR_WEBSOCKET_TICKET and opens nothing on %s', async (_what, response, why) => {
    answerTicketWith(response)

    const error: unknown = await openAuthenticatedWebSocket('/ws', { ticketUrl: '/api/ws-ticket' }).catch(
      (error: unknown) => error,
    )

    expect(error).toMatchObject({ code: 'ERR_WEBSOCKET_TICKET' })
    expect((error as Error).message).toMatch(/^\[sw-token-proxy\] Failed to open the WebSocket: /)
    expect((error as Error).message).toContain(why)
    expect(FakeWebSocket.created).toHaveLength(0)
  })

  it('rejects with ERR_WEBSOCKET_REFUSED, without the ticket in the message, when the socket closes before it opens', async () => {
    answerTicketWith(() => Response.json({ ticket: TICKET }))
    FakeWebSocket.outcome = 'refuse'

    const error: unknown = await openAuthenticatedWebSocket('/ws', { ticketUrl: '/api/ws-ticket' }).catch(
      (error: unknown) => error,
    )

    expect(error).toMatchObject({
      code: 'ERR_WEBSOCKET_REFUSED',
      message:
        '[sw-token-proxy] Failed to open the WebSocket: wss://app.example/ws closed before it opened (close code 1006): the server refused the handshake or could not be reached. Check that the server accepts a fresh ticket once, as the user it was minted for, on this URL.',
    })
    expect((error as Error).message).not.toContain(TICKET)
  })

  it('refuses a URL that is not a WebSocket URL before minting a ticket', async () => {
    const fetch = answerTicketWith(() => Response.json({ ticket: TICKET }))

    await expect(
      openAuthenticatedWebSocket('ftp://app.example/ws', { ticketUrl: '/api/ws-ticket' }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTIONS',
      message:
        "[sw-token-proxy] Failed to open the WebSocket: 'ftp:' is not a WebSocket URL scheme. Pass a ws:, wss:, http: or https: URL, or a path on this origin.",
    })
    expect(fetch).not.toHaveBeenCalled()
  })
})
