import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SessionStatus } from '../protocol/messages.js'
import { reportInput, SessionClockWatch } from './sessionClockWatch.js'

const T0 = 1_700_000_000_000

describe('SessionClockWatch: the page half of the session clock', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T0)
  })
  afterEach(() => vi.useRealTimers())

  it('asks the worker at the warning, then at the end, and follows each answer', async () => {
    const answers: SessionStatus[] = [
      // At the warning the worker confirms it (it told every tab); the next check is the end.
      {
        authenticated: true,
        expiresAt: null,
        idleEndsAt: T0 + 90_000,
        warnsAt: T0 + 60_000,
        expiring: { endsAt: T0 + 90_000, secondsLeft: 30, reason: 'idle' },
      },
      { authenticated: false, expiresAt: null },
    ]
    const askStatus = vi.fn(() => Promise.resolve(answers.shift()!))
    const watch = new SessionClockWatch(askStatus)
    watch.follow({ authenticated: true, expiresAt: null, idleEndsAt: T0 + 90_000, warnsAt: T0 + 60_000 })

    await vi.advanceTimersByTimeAsync(59_999)
    expect(askStatus).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(100)
    expect(askStatus).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(29_900)
    expect(askStatus).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(100)
    expect(askStatus).toHaveBeenCalledTimes(2)
    // Signed out: nothing more to check.
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(askStatus).toHaveBeenCalledTimes(2)
  })

  it('schedules the moved deadline when another tab was active meanwhile, and never warns itself', async () => {
    const askStatus = vi.fn(() =>
      Promise.resolve<SessionStatus>({
        authenticated: true,
        expiresAt: null,
        idleEndsAt: T0 + 200_000,
        warnsAt: T0 + 170_000,
      }),
    )
    const watch = new SessionClockWatch(askStatus)
    watch.follow({ authenticated: true, expiresAt: null, warnsAt: T0 + 60_000 })
    await vi.advanceTimersByTimeAsync(60_100)
    expect(askStatus).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(100_000)
    expect(askStatus).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(askStatus).toHaveBeenCalledTimes(2)
    watch.stop()
  })

  it('asks again no sooner than a second when the worker names an instant already past', async () => {
    const askStatus = vi.fn(() => Promise.resolve<SessionStatus>({ authenticated: true, expiresAt: null, warnsAt: T0 }))
    const watch = new SessionClockWatch(askStatus)
    watch.follow({ authenticated: true, expiresAt: null, warnsAt: T0 - 5_000 })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(askStatus.mock.calls.length).toBeLessThanOrEqual(10)
    watch.stop()
  })

  it('schedules nothing for a session without deadlines, and survives a worker that does not answer', async () => {
    const askStatus = vi.fn(() => Promise.reject(new Error('no controller')))
    const watch = new SessionClockWatch(askStatus)
    watch.follow({ authenticated: true, expiresAt: T0 + 60_000 })
    await vi.advanceTimersByTimeAsync(24 * 60 * 60_000)
    expect(askStatus).not.toHaveBeenCalled()
    await expect(watch.refresh()).resolves.toBeUndefined()
  })
})

describe('reportInput', () => {
  it('reports input at most once per throttle, and stops', () => {
    vi.useFakeTimers()
    const target = new EventTarget()
    vi.stubGlobal('addEventListener', target.addEventListener.bind(target))
    vi.stubGlobal('removeEventListener', target.removeEventListener.bind(target))
    try {
      const report = vi.fn()
      const stop = reportInput(report, 10_000)
      target.dispatchEvent(new Event('keydown'))
      target.dispatchEvent(new Event('pointerdown'))
      expect(report).toHaveBeenCalledTimes(1)
      vi.advanceTimersByTime(10_000)
      target.dispatchEvent(new Event('wheel'))
      expect(report).toHaveBeenCalledTimes(2)
      stop()
      vi.advanceTimersByTime(10_000)
      target.dispatchEvent(new Event('keydown'))
      expect(report).toHaveBeenCalledTimes(2)
    } finally {
      vi.unstubAllGlobals()
      vi.useRealTimers()
    }
  })
})
