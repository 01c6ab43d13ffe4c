import { describe, expect, it } from 'vitest'
import { TokenProxyError } from '../protocol/errors.js'
import { endpoint, nonNegative, timeout, wholeSeconds } from './optionChecks.js'

// The checks every option goes through: what passes, and the sentence for what does not.

const ORIGIN = 'https://app.example'

/** The message of the ERR_INVALID_OPTIONS `check` throws (and fails the test for any other outcome). */
function refusal(check: () => unknown): string {
  try {
    check()
  } catch (error) {
    expect(error).toBeInstanceOf(TokenProxyError)
    expect(error).toMatchObject({ code: 'ERR_INVALID_OPTIONS' })
    return (error as Error).message
  }
  throw new Error('not refused')
}

describe('endpoint', () => {
  it('resolves a path against the origin, and takes an http(s) URL as it is', () => {
    expect(endpoint('/auth/refresh', 'refresh.url', ORIGIN).href).toBe(`${ORIGIN}/auth/refresh`)
    expect(endpoint('http://localhost:8080/x', 'refresh.url', ORIGIN).href).toBe('http://localhost:8080/x')
  })

  it('refuses what is not a URL or a path, naming the option and what it got', () => {
    expect(refusal(() => endpoint(42, 'refresh.url', ORIGIN))).toContain(
      '"refresh.url" must be a URL or a path, got number',
    )
    expect(refusal(() => endpoint('', 'refresh.url', ORIGIN))).toContain(
      '"refresh.url" must be a URL or a path, got string',
    )
  })

  it('refuses a URL of another scheme', () => {
    expect(refusal(() => endpoint('ftp://app.example/x', 'logout', ORIGIN))).toContain(
      '"logout" must be an http(s) URL',
    )
  })
})

describe('the numbers', () => {
  it.each(['5', Number.NaN, Number.POSITIVE_INFINITY, -1])('nonNegative refuses %s', (value) => {
    expect(refusal(() => nonNegative(value, 'replayBodyLimitBytes', 1))).toContain(
      '"replayBodyLimitBytes" must be a non-negative number',
    )
  })

  it('nonNegative takes 0, and falls back when not given', () => {
    expect(nonNegative(0, 'n', 7)).toBe(0)
    expect(nonNegative(undefined, 'n', 7)).toBe(7)
  })

  it.each(['5', Number.NaN, Number.POSITIVE_INFINITY, 0, -1])('timeout refuses %s', (value) => {
    expect(refusal(() => timeout(value, 'refresh.timeoutMs', 1))).toContain(
      '"refresh.timeoutMs" must be a positive number of milliseconds',
    )
  })

  it('timeout takes a fraction of a millisecond above 0, and falls back when not given', () => {
    expect(timeout(0.5, 't', 7)).toBe(0.5)
    expect(timeout(undefined, 't', 7)).toBe(7)
  })

  it('wholeSeconds takes up to a year and a day, and no more', () => {
    const max = 366 * 24 * 60 * 60
    expect(wholeSeconds(max, 's', 0)).toBe(max)
    expect(wholeSeconds(0, 's', 0)).toBe(0)
    expect(refusal(() => wholeSeconds(max + 1, 's', 0))).toContain(
      `"s" must be a whole number of seconds from 0 to ${max}`,
    )
    expect(refusal(() => wholeSeconds('5', 's', 1))).toContain(`"s" must be a whole number of seconds from 1 to ${max}`)
  })
})
