import { MESSAGE_SOURCE } from '../../protocol/messages.ts'
import { SESSION_DATABASE } from '../../protocol/storage.ts'
import { askWorkerStatus, readStatusReply, type SessionStatus } from '../../playwright/tokenProxyState.ts'
import { noSessionToExpire } from '../../playwright/expireAccessToken.ts'
import { rewriteStoredSession } from '../../playwright/storedSession.ts'
import {
  recordedSessionEvents,
  SESSION_EVENT_RECORDING,
  startRecordingSessionEvents,
  type RecordedSessionEvent,
} from '../../playwright/sessionEvents.ts'
import type { Tab } from './Browser.ts'

/**
 * The `sw-token-proxy/playwright` helpers over the engine-neutral `Tab`: the same page halves,
 * run through whichever driver the engine has.
 */

/** Resolves once the worker controls the tab and answers `STATUS`; starts recording session events. */
export async function waitForTokenProxy(tab: Tab, timeoutMs = 10_000): Promise<void> {
  const controlled = await tab.evaluate(async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs
    while (!navigator.serviceWorker?.controller) {
      if (Date.now() > deadline) return false
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return true
  }, timeoutMs)
  if (!controlled)
    throw new Error(
      `[sw-token-proxy] Failed to wait for the token proxy: no service worker controlled the page within ${timeoutMs} ms. Check that the page registers /sw.js.`,
    )
  await sessionStatus(tab, timeoutMs)
  await tab.evaluate(startRecordingSessionEvents, SESSION_EVENT_RECORDING)
}

export async function sessionStatus(tab: Tab, timeoutMs = 10_000): Promise<SessionStatus> {
  return readStatusReply(await tab.evaluate(askWorkerStatus, { timeout: timeoutMs, source: MESSAGE_SOURCE }))
}

/** `expireAccessToken` of `sw-token-proxy/playwright`, in any engine. */
export async function expireAccessToken(tab: Tab): Promise<void> {
  const change = { expireAccessTokens: true } as const
  if (!(await tab.evaluate(rewriteStoredSession, { where: SESSION_DATABASE, change }))) throw noSessionToExpire()
  // The worker answers STATUS by reading the record again: now it holds the expired one.
  await sessionStatus(tab)
}

export async function sessionEvents(tab: Tab): Promise<RecordedSessionEvent[]> {
  const events = await tab.evaluate(recordedSessionEvents)
  if (!events)
    throw new Error(
      '[sw-token-proxy] Failed to read the session events: this tab is not recording them. Open it with waitForTokenProxy().',
    )
  return events
}

export async function sessionEventTypes(tab: Tab): Promise<Array<RecordedSessionEvent['type']>> {
  return (await sessionEvents(tab)).map((event) => event.type)
}

export interface TabResponse {
  status: number
  body: string
}

/** A plain `fetch` from the page, exactly as application code writes it. */
export function tabFetch(
  tab: Tab,
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string>; mode?: RequestMode } = {},
): Promise<TabResponse> {
  return tab.evaluate(
    async (url: string, init: RequestInit) => {
      const response = await fetch(url, init)
      return { status: response.status, body: await response.text() }
    },
    url,
    init,
  )
}

/** Logs in with a plain `fetch`, as an app does; answers the status and the body the page received. */
export async function logIn(tab: Tab): Promise<{ status: number; body: string }> {
  return tabFetch(tab, '/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: 'demo' }),
  })
}

/**
 * Starts `count` API requests in the tab (GET and POST alternating, to `/api/<label>/<i>`) and
 * resolves once they are all on their way; `finishRequests` collects their statuses. In two steps
 * because a WebDriver session runs one script at a time: tabs overlap only if no script waits.
 */
export async function startRequests(tab: Tab, label: string, count: number): Promise<void> {
  await tab.evaluate(
    (label: string, count: number) => {
      const page = window as unknown as { requestsInFlight?: Promise<number[]> }
      page.requestsInFlight = Promise.all(
        Array.from(
          { length: count },
          async (_, i) =>
            (await fetch(`/api/${label}/${i}`, { method: i % 2 ? 'POST' : 'GET', body: i % 2 ? `body ${i}` : null }))
              .status,
        ),
      )
    },
    label,
    count,
  )
}

export function finishRequests(tab: Tab): Promise<number[]> {
  return tab.evaluate(async () => {
    const page = window as unknown as { requestsInFlight?: Promise<number[]> }
    if (!page.requestsInFlight)
      throw new Error(
        '[sw-token-proxy] Failed to collect the requests: none were started in this tab. Call startRequests() first.',
      )
    return page.requestsInFlight
  })
}
