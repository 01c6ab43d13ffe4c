import { describe, expect, it } from 'vitest'
import type { TokenProxyOptions } from './glossary.js'
import { resolveOptions } from './resolveOptions.js'

// The `cache` of an `api` entry (Policy 15): the two strategies, and nothing else.
const ORIGIN = 'https://app.example'
const withApi = (api: unknown): TokenProxyOptions =>
  ({ api, refresh: { url: '/auth/refresh' } }) as unknown as TokenProxyOptions

describe('an api entry’s cache', () => {
  it('takes network-first and stale-while-revalidate, and is absent by default', () => {
    const { api } = resolveOptions(
      withApi([
        '/plain/',
        { prefix: '/a/', cache: 'network-first' },
        { prefix: '/b/', cache: 'stale-while-revalidate' },
      ]),
      ORIGIN,
    )
    expect(api.map((entry) => entry.cache)).toEqual([undefined, 'network-first', 'stale-while-revalidate'])
    expect(Object.keys(api[0]!)).not.toContain('cache')
  })

  it('refuses any other strategy, naming the two', () => {
    expect(() => resolveOptions(withApi([{ prefix: '/a/', cache: 'cache-first' }]), ORIGIN)).toThrow(
      /"api\[0\]\.cache" must be "network-first" or "stale-while-revalidate"/,
    )
    expect(() => resolveOptions(withApi([{ prefix: '/a/', cache: true }]), ORIGIN)).toThrow(/"api\[0\]\.cache"/)
  })
})
