import type { BrowserContext, Page } from '@playwright/test'
import { warnDeprecated } from './deprecation.js'
import { formatMessage } from '../protocol/errors.js'
import { MESSAGE_SOURCE, SESSION_EVENT_NAMES, type BroadcastType, type SessionEventName } from '../protocol/messages.js'

/**
 * A session event as a tab received it: its name, the one `proxy.on()` listens for
 * (`'session-expired'`…), and its token-free payload.
 */
export interface RecordedSessionEvent {
  /** The event's name, as `proxy.on()` knows it (`'session-refreshed'`…). */
  type: SessionEventName
  /** The event's payload as the tab received it (`{ reason }`, `{ expiresAt }`…); never a token. */
  payload: Record<string, unknown>
}

/** What the page half of the recorder needs to know of the protocol, passed in as data. */
export interface SessionEventRecording {
  source: string
  names: Readonly<Record<string, string>>
  /**
   * The name of a function the driver exposed to every page (Playwright's `exposeBinding`) that
   * keeps each event outside the page too, with an id of the document that received it, so that
   * the events of a tab's earlier documents survive its navigations. Optional: without it, a
   * document's events go with it.
   */
  keep?: string
}

/** The argument for `startRecordingSessionEvents` in any driver's `evaluate`. */
export const SESSION_EVENT_RECORDING: SessionEventRecording = { source: MESSAGE_SOURCE, names: SESSION_EVENT_NAMES }

interface RecordingWindow {
  __swTokenProxyEvents?: RecordedSessionEvent[]
  /** This document's id, for `keep`: which of a tab's documents received an event. */
  __swTokenProxyDocument?: string
}

/** The binding `recordSessionEvents` exposes to every page of the context. */
const KEEP_BINDING = '__swTokenProxyKeepSessionEvent'

/** The events of each recording tab, by document, in the order the tab loaded its documents. */
const keptByPage = new WeakMap<Page, Map<string, RecordedSessionEvent[]>>()
const recordingContexts = new WeakSet<BrowserContext>()

/**
 * Records, in every tab of `context` opened from now on, each session message the worker posts
 * to it, across the tab's navigations: the `session-started` that reached a sign-in's callback page
 * is still there after the app's `location.replace(returnTo)`. Installed as an init script, so it
 * runs before the app's own code and misses nothing. Every engine. Nothing is written to the
 * page's storage.
 */
export async function recordSessionEvents(context: BrowserContext): Promise<void> {
  if (recordingContexts.has(context)) return
  recordingContexts.add(context)
  await context.exposeBinding(KEEP_BINDING, ({ page }, documentId: unknown, event: unknown) => {
    if (typeof documentId !== 'string') return
    let documents = keptByPage.get(page)
    if (!documents) keptByPage.set(page, (documents = new Map<string, RecordedSessionEvent[]>()))
    let events = documents.get(documentId)
    if (!events) documents.set(documentId, (events = []))
    events.push(event as RecordedSessionEvent)
  })
  await context.addInitScript(startRecordingSessionEvents, { ...SESSION_EVENT_RECORDING, keep: KEEP_BINDING })
}

/**
 * The session events this tab received so far, oldest first, across its navigations. Needs
 * `recordSessionEvents()` (the `tokenProxy` fixtures call it).
 */
export async function sessionEvents(page: Page): Promise<RecordedSessionEvent[]> {
  const current = await page.evaluate(recordedDocumentEvents)
  const events = current && [...earlierDocumentEvents(page, current.documentId), ...current.events]
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
export async function legacySessionEvents(page: Page): Promise<
  Array<{
    /** The wire type (`'SESSION_STARTED'` …). */
    type: BroadcastType
    /** The event's token-free payload. */
    payload: Record<string, unknown>
  }>
> {
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
export function startRecordingSessionEvents({ source, names, keep }: SessionEventRecording): void {
  if (!('serviceWorker' in navigator)) return
  const recording = window as unknown as RecordingWindow & Record<string, unknown>
  if (recording.__swTokenProxyEvents) return
  recording.__swTokenProxyEvents = []
  const documentId = (recording.__swTokenProxyDocument = `${Date.now()}-${Math.random()}`)
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { source?: unknown; type?: unknown; payload?: unknown } | null
    if (data?.source !== source || typeof data.type !== 'string' || !Object.hasOwn(names, data.type)) return
    const recorded: RecordedSessionEvent = {
      type: names[data.type] as RecordedSessionEvent['type'],
      payload: (data.payload ?? {}) as Record<string, unknown>,
    }
    recording.__swTokenProxyEvents?.push(recorded)
    const keepOutside = keep === undefined ? undefined : recording[keep]
    if (typeof keepOutside === 'function')
      Promise.resolve((keepOutside as (...args: unknown[]) => unknown)(documentId, recorded)).catch(() => undefined)
  })
  navigator.serviceWorker.startMessages()
}

/** The page half of `sessionEvents`: what this page recorded, or `null` when it is not recording. */
export function recordedSessionEvents(): RecordedSessionEvent[] | null {
  return (window as RecordingWindow).__swTokenProxyEvents ?? null
}

/** What this document recorded, with its id, or `null` when it is not recording. */
function recordedDocumentEvents(): { documentId: string; events: RecordedSessionEvent[] } | null {
  const recording = window as RecordingWindow
  const events = recording.__swTokenProxyEvents
  return events ? { documentId: recording.__swTokenProxyDocument ?? '', events } : null
}

/**
 * The events the tab's earlier documents received, kept outside them. The current document's own
 * come from the page itself, so an event it has just received is never missing.
 */
function earlierDocumentEvents(page: Page, currentDocumentId: string): RecordedSessionEvent[] {
  const documents = keptByPage.get(page)
  if (!documents) return []
  return [...documents].flatMap(([documentId, events]) => (documentId === currentDocumentId ? [] : events))
}
