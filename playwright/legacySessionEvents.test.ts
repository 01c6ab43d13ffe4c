import type { Page } from '@playwright/test'
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest'
import type { RecordedSessionEvent } from './sessionEvents.ts'

/**
 * A page whose recorder holds `events`: all the helpers ask of a page is `evaluate`, which runs the
 * page half they pass over a window holding what the recorder keeps there.
 */
function pageRecording(events: RecordedSessionEvent[]): Page {
  const window = { __swTokenProxyEvents: events, __swTokenProxyDocument: 'the-document' }
  return {
    evaluate: (pageHalf: () => unknown) => {
      vi.stubGlobal('window', window)
      try {
        return Promise.resolve(pageHalf())
      } finally {
        vi.unstubAllGlobals()
      }
    },
  } as unknown as Page
}

const recorded: RecordedSessionEvent[] = [
  { type: 'session-started', payload: { expiresAt: 1 } },
  { type: 'session-refreshed', payload: { expiresAt: 2 } },
  { type: 'session-expired', payload: { reason: 'refresh_rejected' } },
  { type: 'session-ended', payload: {} },
  { type: 'refresh-failed', payload: { reason: 'timeout', retryAt: 3 } },
  { type: 'step-up-required', payload: {} },
]

// Each test loads the module afresh, so "warns once" starts from a process that has not warned.
async function helpers() {
  vi.resetModules()
  return import('./sessionEvents.ts')
}

describe('the deprecated wire-type helpers (answer as before 0.2.0)', () => {
  let warn: MockInstance<typeof console.warn>
  beforeEach(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  })
  afterEach(() => {
    warn.mockRestore()
  })

  it('legacySessionEventTypes answers the old upper-case names, in order', async () => {
    const { legacySessionEventTypes } = await helpers()
    expect(await legacySessionEventTypes(pageRecording(recorded))).toEqual([
      'SESSION_STARTED',
      'SESSION_REFRESHED',
      'SESSION_EXPIRED',
      'SESSION_ENDED',
      'REFRESH_FAILED',
      'STEP_UP_REQUIRED',
    ])
  })

  it('legacySessionEvents answers the old names with the same payloads', async () => {
    const { legacySessionEvents } = await helpers()
    expect(await legacySessionEvents(pageRecording(recorded.slice(0, 2)))).toEqual([
      { type: 'SESSION_STARTED', payload: { expiresAt: 1 } },
      { type: 'SESSION_REFRESHED', payload: { expiresAt: 2 } },
    ])
  })

  it('legacySessionEventTypes warns exactly once, naming the new helper and the new names', async () => {
    const { legacySessionEventTypes } = await helpers()
    await legacySessionEventTypes(pageRecording(recorded))
    await legacySessionEventTypes(pageRecording(recorded))
    await legacySessionEventTypes(pageRecording([]))
    expect(warn).toHaveBeenCalledTimes(1)
    const message = String(warn.mock.calls[0]?.[0])
    expect(message).toMatch(/^\[sw-token-proxy\] legacySessionEventTypes\(page\) is deprecated: /)
    expect(message).toContain(
      "Use sessionEventTypes(page) and the names proxy.on() uses ('session-started' …) instead.",
    )
  })

  it('legacySessionEvents warns exactly once, on its own', async () => {
    const { legacySessionEvents } = await helpers()
    await legacySessionEvents(pageRecording(recorded))
    await legacySessionEvents(pageRecording(recorded))
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /^\[sw-token-proxy\] legacySessionEvents\(page\) is deprecated: .* Use sessionEvents\(page\)/,
    )
  })

  it('the new helpers do not warn, and answer the names proxy.on() uses', async () => {
    const { sessionEventTypes, sessionEvents } = await helpers()
    expect(await sessionEventTypes(pageRecording(recorded.slice(0, 1)))).toEqual(['session-started'])
    expect(await sessionEvents(pageRecording(recorded.slice(0, 1)))).toEqual([recorded[0]])
    expect(warn).not.toHaveBeenCalled()
  })
})
