import { expect, test } from './support/fixtures.ts'
import { sessionEventTypes } from '../playwright/index.ts'
import { logIn } from './support/tabs.ts'
import type { LiveEventData } from '../demo/server/LiveEvents.ts'

// e2e/README.md, "Beyond the catalogue": an EventSource on an `api` prefix goes
// through the worker like any request, so it gets the bearer, and so does its reconnect.

/** What the page saw of its EventSource: every event's data, and the readyState at each `error`. */
interface LiveView {
  events: LiveEventData[]
  errorStates: number[]
  readyState: number
}

declare global {
  interface Window {
    live: { source: EventSource; events: LiveEventData[]; errorStates: number[] }
  }
}

// A long lifetime, so the worker never renews ahead on its own: the token runs out on the server's
// side only (expireAccessTokens), on command, and the reconnect meets the API's 401.
test.use({ authOptions: { accessTtlSeconds: 3600 } })

test('a stream carries on across a token renewal: the server closes it, the reconnect gets a 401, one refresh, and the stream resumes with the new token', async ({
  page,
  app,
}) => {
  await logIn(page)
  await page.evaluate(() => {
    const source = new EventSource('/api/live')
    window.live = { source, events: [], errorStates: [] }
    source.onmessage = (event) => window.live.events.push(JSON.parse(String(event.data)) as LiveEventData)
    // An `error` with readyState CONNECTING is the browser reconnecting; CLOSED would be for good.
    source.onerror = () => window.live.errorStates.push(source.readyState)
  })
  const view = () =>
    page.evaluate((): LiveView => ({
      events: window.live.events,
      errorStates: window.live.errorStates,
      readyState: window.live.source.readyState,
    }))
  await expect.poll(async () => (await view()).events.map((event) => event.text)).toEqual(['connected'])

  // The token runs out on the server, which ends the stream opened with it, as a server does.
  app.auth.expireAccessTokens()
  app.api.live.end()
  await expect.poll(() => app.api.live.streams.length).toBe(2)
  await expect.poll(() => app.api.live.openCount).toBe(1)
  app.api.live.send('after the renewal')

  await expect
    .poll(async () => (await view()).events.map((event) => event.text))
    .toEqual(['connected', 'connected', 'after the renewal'])
  const { events, errorStates, readyState } = await view()
  expect(readyState).toBe(1) // OPEN: no error closed the EventSource for good
  expect(errorStates).toEqual([0]) // one reconnect, CONNECTING

  // The servers' records: one refresh; the reconnect's first attempt had the old token and got 401
  // invalid_token, the worker's replay had a new one and got the stream.
  expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['rotated'])
  const live = app.api.records.filter((record) => record.path === '/api/live')
  expect(live.map(({ status, authScheme, tokenUser }) => ({ status, authScheme, tokenUser }))).toEqual([
    { status: 200, authScheme: 'Bearer', tokenUser: 'demo' },
    { status: 401, authScheme: 'Bearer', tokenUser: 'demo' },
    { status: 200, authScheme: 'Bearer', tokenUser: 'demo' },
  ])
  const [opened, refused, replayed] = live.map((record) => record.authorizationDigest)
  expect(refused).toBe(opened)
  expect(replayed).not.toBe(opened)

  // The page made one EventSource; the second stream is its own reconnect. (Chromium sends no
  // Last-Event-ID on a reconnect that goes through a service worker: see the README.)
  expect(app.api.live.streams.map(({ connection, user }) => ({ connection, user }))).toEqual([
    { connection: 1, user: 'demo' },
    { connection: 2, user: 'demo' },
  ])
  // What the page received names the token each stream was opened with: the new one after renewal.
  expect(events.map(({ connection, user, tokenDigest }) => ({ connection, user, tokenDigest }))).toEqual([
    { connection: 1, user: 'demo', tokenDigest: opened },
    { connection: 2, user: 'demo', tokenDigest: replayed },
    { connection: 2, user: 'demo', tokenDigest: replayed },
  ])
  await expect.poll(() => sessionEventTypes(page)).toEqual(['session-started', 'session-refreshed'])
})
