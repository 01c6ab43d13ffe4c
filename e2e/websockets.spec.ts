import type { Page } from '@playwright/test'
import { expect, test } from './support/fixtures.ts'
import { waitForTokenProxy } from '../playwright/index.ts'
import { logIn, pageFetch } from './support/tabs.ts'
import type { openAuthenticatedWebSocket } from '../client/index.ts'

// e2e/README.md, "Beyond the catalogue": a worker never sees a WebSocket
// handshake, so the page gets a one-time ticket through the worker (which adds the bearer) and
// opens the socket with it. The tests never hold a ticket: the page keeps it, the servers record
// digests.

declare global {
  interface Window {
    tokenProxyDemo: { openAuthenticatedWebSocket: typeof openAuthenticatedWebSocket }
  }
}

/** The demo page that imports `openAuthenticatedWebSocket` from the client, as an app does. */
async function openRealtimePage(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/realtime.html`)
  await waitForTokenProxy(page)
}

test('the socket opens with a fresh ticket fetched through the worker, and the server knows the user', async ({
  page,
  app,
}) => {
  await openRealtimePage(page, app.origin)
  await logIn(page)

  const welcome = await page.evaluate(async () => {
    const socket = await window.tokenProxyDemo.openAuthenticatedWebSocket('/ws', { ticketUrl: '/api/ws-ticket' })
    const message = await new Promise<unknown>((resolve) =>
      socket.addEventListener('message', (event) => resolve(JSON.parse(String(event.data))), { once: true }),
    )
    socket.close()
    return message
  })

  expect(welcome).toEqual({ type: 'welcome', user: 'demo' })
  // The ticket request went through the worker, with the bearer.
  expect(
    app.api.records.map(({ method, path, authScheme, authorized, tokenUser, status }) => ({
      method,
      path,
      authScheme,
      authorized,
      tokenUser,
      status,
    })),
  ).toEqual([
    { method: 'POST', path: '/api/ws-ticket', authScheme: 'Bearer', authorized: true, tokenUser: 'demo', status: 200 },
  ])
  // The handshake spent exactly the ticket that was issued.
  expect(app.tickets.issued).toHaveLength(1)
  expect(app.tickets.redemptions).toEqual([
    { ticketDigest: app.tickets.issued[0]?.ticketDigest, outcome: 'accepted', user: 'demo' },
  ])
  expect(app.webSockets.handshakes).toEqual([{ accepted: true, user: 'demo', refusal: null }])
})

test('a ticket is good once: the same ticket presented again is refused', async ({ page, app }) => {
  await openRealtimePage(page, app.origin)
  await logIn(page)

  const outcomes = await page.evaluate(async () => {
    // The ticket stays in the page; only the outcomes come back to the test.
    const { ticket } = (await (await fetch('/api/ws-ticket', { method: 'POST' })).json()) as { ticket: string }
    const connect = (ticket: string) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(`/ws?ticket=${encodeURIComponent(ticket)}`)
        socket.onopen = () => (socket.close(), resolve('open'))
        socket.onclose = (event) => resolve(`closed ${event.code}`)
      })
    return [await connect(ticket), await connect(ticket)]
  })

  expect(outcomes).toEqual(['open', 'closed 1006'])
  const [issued] = app.tickets.issued
  expect(app.tickets.redemptions).toEqual([
    { ticketDigest: issued?.ticketDigest, outcome: 'accepted', user: 'demo' },
    { ticketDigest: issued?.ticketDigest, outcome: 'reused', user: 'demo' },
  ])
  expect(app.webSockets.handshakes.map((handshake) => handshake.accepted)).toEqual([true, false])
})

test('with no session, never signed in or after logout, the helper rejects with ERR_WEBSOCKET_TICKET and opens no socket', async ({
  page,
  app,
}) => {
  await openRealtimePage(page, app.origin)
  const attempt = () =>
    page.evaluate(() =>
      window.tokenProxyDemo.openAuthenticatedWebSocket('/ws', { ticketUrl: '/api/ws-ticket' }).then(
        () => 'opened',
        (error: unknown) => ({
          name: (error as Error).name,
          code: (error as { code?: string }).code,
          message: (error as Error).message,
        }),
      ),
    )
  const noSession = {
    name: 'TokenProxyError',
    code: 'ERR_WEBSOCKET_TICKET',
    message:
      '[sw-token-proxy] Failed to open the WebSocket: the ticket endpoint /api/ws-ticket answered 401: there is no session (never signed in, or it ended). Sign in, then open the socket again (the session-expired event tells you when a session ends).',
  }

  expect(await attempt()).toEqual(noSession)
  await logIn(page)
  expect((await pageFetch(page, '/auth/logout', { method: 'POST' })).status).toBe(204)
  expect(await attempt()).toEqual(noSession)

  const ticketRequests = app.api.records.filter((record) => record.path === '/api/ws-ticket')
  expect(ticketRequests.map(({ authScheme, status }) => ({ authScheme, status }))).toEqual([
    { authScheme: null, status: 401 },
    { authScheme: null, status: 401 },
  ])
  expect(app.tickets.issued).toEqual([])
  expect(app.webSockets.handshakes).toEqual([])
})

test('a handshake the server refuses rejects with ERR_WEBSOCKET_REFUSED, without the ticket in the message', async ({
  page,
  app,
}) => {
  await openRealtimePage(page, app.origin)
  await logIn(page)

  // The ticket goes in a parameter this server does not read: it sees a handshake without one.
  const error = await page.evaluate(() =>
    window.tokenProxyDemo
      .openAuthenticatedWebSocket('/ws', { ticketUrl: '/api/ws-ticket', ticketParam: 'not-the-ticket' })
      .then(
        () => undefined,
        (error: unknown) => ({ code: (error as { code?: string }).code, message: (error as Error).message }),
      ),
  )

  expect(error).toEqual({
    code: 'ERR_WEBSOCKET_REFUSED',
    message: `[sw-token-proxy] Failed to open the WebSocket: ws://localhost:${new URL(app.origin).port}/ws closed before it opened (close code 1006): the server refused the handshake or could not be reached. Check that the server accepts a fresh ticket once, as the user it was minted for, on this URL.`,
  })
  expect(app.tickets.issued).toHaveLength(1)
  expect(app.tickets.redemptions).toEqual([{ ticketDigest: null, outcome: 'missing', user: null }])
  expect(app.webSockets.handshakes).toEqual([{ accepted: false, user: null, refusal: 'missing' }])
})
