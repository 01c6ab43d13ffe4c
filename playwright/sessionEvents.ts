import type { BrowserContext, Page } from '@playwright/test'
import { MESSAGE_SOURCE, type BroadcastType } from '../protocol/messages.js'

/** A session message as a tab received it: the type, and its token-free payload. */
export interface RecordedSessionEvent {
  type: BroadcastType
  payload: Record<string, unknown>
}

interface RecordingWindow {
  __swTokenProxyEvents?: RecordedSessionEvent[]
}

/**
 * Records, in every tab of `context` opened from now on, each session message the worker posts
 * to it. Installed as an init script, so it runs before the app's own code and misses nothing.
 * Every engine.
 */
export async function recordSessionEvents(context: BrowserContext): Promise<void> {
  await context.addInitScript(startRecordingSessionEvents, MESSAGE_SOURCE)
}

/** The session events this tab received so far, oldest first. Needs `recordSessionEvents()`. */
export async function sessionEvents(page: Page): Promise<RecordedSessionEvent[]> {
  const events = await page.evaluate(recordedSessionEvents)
  if (!events) {
    throw new Error(
      '[sw-token-proxy] Failed to read the session events: this tab is not recording them. Call recordSessionEvents(context) before opening the tab, or use the tokenProxy fixtures.',
    )
  }
  return events
}

/** Just the types of `sessionEvents(page)`, which is what most assertions compare. */
export async function sessionEventTypes(page: Page): Promise<Array<RecordedSessionEvent['type']>> {
  return (await sessionEvents(page)).map((event) => event.type)
}

/**
 * The page half of `recordSessionEvents`, for any driver that runs a function in a page: starts
 * keeping every `{ source: 'sw-token-proxy' }` message of the worker, in order. A driver without
 * init scripts calls it once the page has loaded, before the events it wants to see. Runs once per
 * page; self-contained (it is sent to the page as source text, so it takes the protocol's
 * `MESSAGE_SOURCE` as an argument).
 */
export function startRecordingSessionEvents(source: string): void {
  if (!('serviceWorker' in navigator)) return
  const recording = window as RecordingWindow
  if (recording.__swTokenProxyEvents) return
  recording.__swTokenProxyEvents = []
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { source?: unknown; type?: unknown; payload?: unknown } | null
    if (data?.source !== source || typeof data.type !== 'string') return
    recording.__swTokenProxyEvents?.push({
      type: data.type as RecordedSessionEvent['type'],
      payload: (data.payload ?? {}) as Record<string, unknown>,
    })
  })
  navigator.serviceWorker.startMessages()
}

/** The page half of `sessionEvents`: what this page recorded, or `null` when it is not recording. */
export function recordedSessionEvents(): RecordedSessionEvent[] | null {
  return (window as RecordingWindow).__swTokenProxyEvents ?? null
}
