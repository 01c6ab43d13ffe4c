import type { BrowserContext, Page } from '@playwright/test'
import { warnDeprecated } from './deprecation.js'
import { formatMessage } from '../protocol/errors.js'
import { MESSAGE_SOURCE, SESSION_EVENT_NAMES, type BroadcastType, type SessionEventName } from '../protocol/messages.js'

/**
 * A session event as a tab received it: its name, the one `proxy.on()` listens for
 * (`'session-expired'`…), and its token-free payload.
 */
export interface RecordedSessionEvent {
  type: SessionEventName
  payload: Record<string, unknown>
}

/** What the page half of the recorder needs to know of the protocol, passed in as data. */
export interface SessionEventRecording {
  source: string
  names: Readonly<Record<string, string>>
}

/** The argument for `startRecordingSessionEvents` in any driver's `evaluate`. */
export const SESSION_EVENT_RECORDING: SessionEventRecording = { source: MESSAGE_SOURCE, names: SESSION_EVENT_NAMES }

interface RecordingWindow {
  __swTokenProxyEvents?: RecordedSessionEvent[]
}

/**
 * Records, in every tab of `context` opened from now on, each session message the worker posts
 * to it. Installed as an init script, so it runs before the app's own code and misses nothing.
 * Every engine.
 */
export async function recordSessionEvents(context: BrowserContext): Promise<void> {
  await context.addInitScript(startRecordingSessionEvents, SESSION_EVENT_RECORDING)
}

/** The session events this tab received so far, oldest first. Needs `recordSessionEvents()`. */
export async function sessionEvents(page: Page): Promise<RecordedSessionEvent[]> {
  const events = await page.evaluate(recordedSessionEvents)
  if (!events) {
    throw new Error(
      formatMessage(
        'read the session events',
        'this tab is not recording them',
        'Call recordSessionEvents(context) before opening the tab, or use the tokenProxy fixtures',
      ),
    )
  }
  return events
}

/** Just the types of `sessionEvents(page)`, which is what most assertions compare. */
export async function sessionEventTypes(page: Page): Promise<Array<RecordedSessionEvent['type']>> {
  return (await sessionEvents(page)).map((event) => event.type)
}

/** The wire type of each public event name: what the helpers answered before 0.2.0. */
const WIRE_TYPES = Object.fromEntries(
  Object.entries(SESSION_EVENT_NAMES).map(([wire, name]) => [name, wire as BroadcastType]),
) as Record<SessionEventName, BroadcastType>

const LEGACY_REASON =
  "it answers the worker's wire types ('SESSION_STARTED' …), as the helpers did before 0.2.0, and goes in 0.3.0"

/**
 * `sessionEvents(page)` with each event under its wire type (`'SESSION_STARTED'` …), as the
 * helpers answered before 0.2.0. Warns once.
 *
 * @deprecated Since 0.2.0, removed in 0.3.0. Use `sessionEvents(page)`, whose events carry the
 * names `proxy.on()` uses (`'session-started'` …).
 */
export async function legacySessionEvents(
  page: Page,
): Promise<Array<{ type: BroadcastType; payload: Record<string, unknown> }>> {
  warnDeprecated(
    'legacySessionEvents(page)',
    LEGACY_REASON,
    "sessionEvents(page) and the names proxy.on() uses ('session-started' …)",
  )
  return (await sessionEvents(page)).map((event) => ({ type: WIRE_TYPES[event.type], payload: event.payload }))
}

/**
 * `sessionEventTypes(page)` under the wire types (`'SESSION_STARTED'` …), as it answered before
 * 0.2.0: a suite that compares with those names keeps working for one minor release with
 * `import { legacySessionEventTypes as sessionEventTypes } from 'sw-token-proxy/playwright'`.
 * Warns once.
 *
 * @deprecated Since 0.2.0, removed in 0.3.0. Use `sessionEventTypes(page)` and compare with the
 * names `proxy.on()` uses (`'session-started'`, `'session-refreshed'`, `'session-expired'`,
 * `'session-ended'`, `'refresh-failed'`, `'step-up-required'`).
 */
export async function legacySessionEventTypes(page: Page): Promise<BroadcastType[]> {
  warnDeprecated(
    'legacySessionEventTypes(page)',
    LEGACY_REASON,
    "sessionEventTypes(page) and the names proxy.on() uses ('session-started' …)",
  )
  return (await sessionEvents(page)).map((event) => WIRE_TYPES[event.type])
}

/**
 * The page half of `recordSessionEvents`, for any driver that runs a function in a page: starts
 * keeping every session broadcast of the worker, in order, under its public name. A driver without
 * init scripts calls it once the page has loaded, before the events it wants to see. Runs once per
 * page; self-contained (it is sent to the page as source text, so it takes the protocol's message
 * tag and event names as its argument: pass `SESSION_EVENT_RECORDING`).
 */
export function startRecordingSessionEvents({ source, names }: SessionEventRecording): void {
  if (!('serviceWorker' in navigator)) return
  const recording = window as RecordingWindow
  if (recording.__swTokenProxyEvents) return
  recording.__swTokenProxyEvents = []
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { source?: unknown; type?: unknown; payload?: unknown } | null
    if (data?.source !== source || typeof data.type !== 'string' || !Object.hasOwn(names, data.type)) return
    recording.__swTokenProxyEvents?.push({
      type: names[data.type] as RecordedSessionEvent['type'],
      payload: (data.payload ?? {}) as Record<string, unknown>,
    })
  })
  navigator.serviceWorker.startMessages()
}

/** The page half of `sessionEvents`: what this page recorded, or `null` when it is not recording. */
export function recordedSessionEvents(): RecordedSessionEvent[] | null {
  return (window as RecordingWindow).__swTokenProxyEvents ?? null
}
