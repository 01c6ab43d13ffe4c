import { describe, it, expect } from 'vitest'
import {
  hasOwnAuthorization,
  isTokenEligibleMode,
  longestMatch,
  parseUrlPrefix,
  urlIsEndpoint,
  urlMatchesAny,
  urlMatchesPrefix,
} from './requestMatching.js'

const ORIGIN = 'https://app.example.com'

function matches(prefix: string, url: string): boolean {
  return urlMatchesPrefix(new URL(url, ORIGIN), parseUrlPrefix(prefix, ORIGIN))
}

describe('parseUrlPrefix', () => {
  it('resolves a path prefix against the worker origin', () => {
    expect(parseUrlPrefix('/api/', ORIGIN)).toEqual({ origin: ORIGIN, pathPrefix: '/api/' })
  })

  it('treats a prefix without a trailing slash as the whole segment', () => {
    expect(parseUrlPrefix('/api', ORIGIN)).toEqual({ origin: ORIGIN, pathPrefix: '/api/' })
  })

  it('keeps the origin of an absolute prefix', () => {
    expect(parseUrlPrefix('https://api.example.com/v1/', ORIGIN)).toEqual({
      origin: 'https://api.example.com',
      pathPrefix: '/v1/',
    })
  })

  it.each(['/api/?next=1', '/api/#top', 'https://api.example.com/v1/?key=1'])(
    'rejects a prefix with a query or fragment: %s',
    (prefix) => {
      expect(() => parseUrlPrefix(prefix, ORIGIN)).toThrow(TypeError)
    },
  )

  it.each([
    'ftp://files.example.com/api/',
    'file:///api/',
    'javascript:alert(1)',
    'data:text/plain,api',
    'ws://app.example.com/api/',
  ])('rejects a non-http(s) prefix: %s', (prefix) => {
    expect(() => parseUrlPrefix(prefix, ORIGIN)).toThrow(TypeError)
  })
})

describe('urlMatchesPrefix with a same-origin path prefix', () => {
  it.each(['/api/x', '/api/', '/api', '/api/users/42?expand=1', 'https://app.example.com:443/api/x'])(
    'matches %s',
    (url) => {
      expect(matches('/api/', url)).toBe(true)
    },
  )

  it.each([
    ['a longer segment name', '/apix'],
    ['a sibling segment that starts the same', '/api-evil/x'],
    ['a different case', '/API/x'],
    ['the prefix only inside the query', '/static?next=/api/'],
    ['the prefix only inside the fragment', '/static#/api/x'],
    ['a percent-encoded path', '/%61pi/x'],
    ['a dot-segment escape, normalised by URL parsing', '/api/../secret'],
    ['an encoded dot-segment escape', '/api/%2e%2e/secret'],
    ['the prefix deeper in the path', '/static/api/x'],
    ['another origin', 'https://evil.example.com/api/x'],
    ['a look-alike host', 'https://app.example.com.evil.com/api/x'],
    ['the same host on another port', 'https://app.example.com:8443/api/x'],
    ['the same host over http', 'http://app.example.com/api/x'],
  ])('does not match %s (%s)', (_why, url) => {
    expect(matches('/api/', url)).toBe(false)
  })

  it('gives a prefix without a trailing slash the same segment boundary', () => {
    expect(matches('/api', '/api/x')).toBe(true)
    expect(matches('/api', '/api')).toBe(true)
    expect(matches('/api', '/apix')).toBe(false)
    expect(matches('/api', '/api-evil/x')).toBe(false)
  })
})

describe('urlMatchesPrefix with an absolute prefix', () => {
  const prefix = 'https://api.example.com/v1/'

  it.each(['https://api.example.com/v1/users', 'https://api.example.com/v1/', 'https://api.example.com/v1'])(
    'matches %s',
    (url) => {
      expect(matches(prefix, url)).toBe(true)
    },
  )

  it.each([
    'https://api.example.com/v2/users',
    'https://api.example.com/v1x/users',
    'https://api.example.com/',
    'http://api.example.com/v1/users',
    'https://api.example.com:8443/v1/users',
    'https://app.example.com/v1/users',
    'https://evil.api.example.com/v1/users',
  ])('does not match %s', (url) => {
    expect(matches(prefix, url)).toBe(false)
  })

  it('does not give same-origin requests to the worker origin', () => {
    expect(matches(prefix, '/v1/users')).toBe(false)
  })
})

describe('urlMatchesAny', () => {
  const prefixes = [parseUrlPrefix('/api/', ORIGIN), parseUrlPrefix('https://api.example.com/v1/', ORIGIN)]

  it('matches when any prefix matches', () => {
    expect(urlMatchesAny(new URL('/api/x', ORIGIN), prefixes)).toBe(true)
    expect(urlMatchesAny(new URL('https://api.example.com/v1/x'), prefixes)).toBe(true)
  })

  it('does not match when no prefix matches', () => {
    expect(urlMatchesAny(new URL('/static/app.js', ORIGIN), prefixes)).toBe(false)
    expect(urlMatchesAny(new URL('https://api.example.com/api/x'), prefixes)).toBe(false)
  })

  it('matches nothing with no prefixes', () => {
    expect(urlMatchesAny(new URL('/api/x', ORIGIN), [])).toBe(false)
  })
})

describe('urlIsEndpoint', () => {
  const endpoint = new URL('/auth/token', ORIGIN)

  it('matches the exact endpoint whatever its query', () => {
    expect(urlIsEndpoint(new URL('/auth/token', ORIGIN), endpoint)).toBe(true)
    expect(urlIsEndpoint(new URL('/auth/token?grant=x', ORIGIN), endpoint)).toBe(true)
  })

  it('does not match a different path, a sub-path or another origin', () => {
    expect(urlIsEndpoint(new URL('/auth/token/x', ORIGIN), endpoint)).toBe(false)
    expect(urlIsEndpoint(new URL('/auth/tokens', ORIGIN), endpoint)).toBe(false)
    expect(urlIsEndpoint(new URL('https://evil.example.com/auth/token'), endpoint)).toBe(false)
  })
})

describe('isTokenEligibleMode', () => {
  it.each<RequestMode>(['cors', 'same-origin'])('allows %s', (mode) => {
    expect(isTokenEligibleMode(mode)).toBe(true)
  })

  it.each<RequestMode>(['navigate', 'no-cors'])('rejects %s', (mode) => {
    expect(isTokenEligibleMode(mode)).toBe(false)
  })
})

describe('hasOwnAuthorization', () => {
  it('is true when the request carries an Authorization header, whatever its case', () => {
    expect(hasOwnAuthorization(new Request(`${ORIGIN}/api/x`, { headers: { Authorization: 'Basic dTpw' } }))).toBe(true)
    expect(hasOwnAuthorization(new Request(`${ORIGIN}/api/x`, { headers: { authorization: 'Bearer other' } }))).toBe(
      true,
    )
  })

  it('is false for a request without one', () => {
    expect(hasOwnAuthorization(new Request(`${ORIGIN}/api/x`, { headers: { 'X-Authorization': 'x' } }))).toBe(false)
    expect(hasOwnAuthorization(new Request(`${ORIGIN}/api/x`))).toBe(false)
  })
})

describe('longestMatch (Policy 11: the longest matching prefix wins, whatever the order)', () => {
  const prefixes = ['https://api.example.com/', 'https://api.example.com/billing/', '/api/', '/api/admin/'].map(
    (prefix) => parseUrlPrefix(prefix, ORIGIN),
  )
  const owner = (url: string, list = prefixes) => {
    const match = longestMatch(new URL(url, ORIGIN), list)
    return match && `${match.origin}${match.pathPrefix}`
  }

  it.each([
    ['https://api.example.com/orders/1', 'https://api.example.com/'],
    ['https://api.example.com/billing/7', 'https://api.example.com/billing/'],
    ['https://api.example.com/billing', 'https://api.example.com/billing/'],
    ['https://api.example.com/billingx', 'https://api.example.com/'],
    ['/api/x', `${ORIGIN}/api/`],
    ['/api/admin/users', `${ORIGIN}/api/admin/`],
    ['/api/administrator', `${ORIGIN}/api/`],
  ])('%s belongs to %s', (url, expected) => {
    expect(owner(url)).toBe(expected)
    expect(owner(url, [...prefixes].reverse())).toBe(expected)
  })

  it('matches nothing off every prefix, and never another origin with the same path', () => {
    expect(owner('https://other.example/billing/7')).toBeUndefined()
    expect(owner('/apix')).toBeUndefined()
  })
})
