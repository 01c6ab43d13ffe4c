import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TokenProxyDecision } from '../protocol/decisions.js'
import { DecisionWatch } from './decisionWatch.js'

const TOKEN: TokenProxyDecision = {
  type: 'token',
  at: 1,
  method: 'GET',
  url: '/api/me',
  api: '/api/',
  token: 'session',
  secondsLeft: 297,
}

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('DecisionWatch', () => {
  it('follows the log while the page has listeners, reminds the worker every 20 s, and stops', () => {
    vi.useFakeTimers()
    const ask = vi.fn(() => Promise.resolve())
    const watch = new DecisionWatch(ask, false)
    watch.want(0)
    expect(ask).not.toHaveBeenCalled()
    watch.want(1)
    watch.want(2)
    expect(ask.mock.calls).toEqual([[true]])
    vi.advanceTimersByTime(40_000)
    expect(ask.mock.calls).toEqual([[true], [true], [true]])
    watch.want(0)
    vi.advanceTimersByTime(40_000)
    expect(ask.mock.calls).toEqual([[true], [true], [true], [false]])
  })

  it('with debug, follows without listeners and prints one collapsed line per decision, the event inside', () => {
    vi.useFakeTimers()
    const group = vi.spyOn(console, 'groupCollapsed').mockImplementation(() => undefined)
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    vi.spyOn(console, 'groupEnd').mockImplementation(() => undefined)
    const ask = vi.fn(() => Promise.resolve())
    const watch = new DecisionWatch(ask, true)
    watch.want(0)
    expect(ask.mock.calls).toEqual([[true]])

    const emitted: TokenProxyDecision[] = []
    watch.receive([TOKEN], (decision) => emitted.push(decision))
    expect(emitted).toEqual([TOKEN])
    expect(group.mock.calls).toEqual([['[sw-token-proxy] GET /api/me → the session token for /api/ (297 s left)']])
    expect(log.mock.calls).toEqual([[TOKEN]])
  })
})
