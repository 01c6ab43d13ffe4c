import { describe, expect, it } from 'vitest'
import { parseTokenResponse } from './parseTokenResponse.js'
import { unsignedJwt } from './testSessionClock.js'

// The lifetimes a token response states, as servers actually send them: numbers, numbers in
// strings (digits only), and nulls for "none".

const parse = (extra: Record<string, unknown>) =>
  parseTokenResponse({ access_token: 'at', refresh_token: 'rt', ...extra })

describe("the refresh token's stated lifetime", () => {
  it('is read from a string of digits, as from a number', () => {
    expect(parse({ refresh_expires_in: '600' }).refreshLifetimeSeconds).toBe(600)
    expect(parse({ refresh_token_expires_in: '7' }).refreshLifetimeSeconds).toBe(7)
    expect(parse({ refresh_expires_in: 600 }).refreshLifetimeSeconds).toBe(600)
  })

  it('is none when the server sends null', () => {
    expect(parse({ refresh_expires_in: null })).toStrictEqual({
      accessToken: 'at',
      refreshToken: 'rt',
      idToken: undefined,
      lifetimeSeconds: undefined,
    })
  })

  it.each([
    ['a string that is not only digits', '1.5'],
    ['more digits than any lifetime has', '12345678901'],
    ['a boolean', true],
  ])('refuses %s as not a number', (_, value) => {
    expect(() => parse({ refresh_expires_in: value })).toThrow('"refresh_expires_in" is not a number')
  })
})

describe("the access token's stated lifetime", () => {
  it.each([
    ['a boolean', true],
    ['a string that is not only digits', '1.5'],
  ])('refuses %s as not a number', (_, value) => {
    expect(() => parse({ expires_in: value })).toThrow('"expires_in" is not a number')
  })
})

describe("a JWT refresh token's own lifetime (exp − iat)", () => {
  const lifetimeOf = (claims: Record<string, unknown>) =>
    parseTokenResponse({ access_token: 'at', refresh_token: unsignedJwt(claims) }).refreshLifetimeSeconds
  const YEAR_AND_A_DAY = 366 * 24 * 60 * 60

  it('is read from one second up to a year and a day', () => {
    expect(lifetimeOf({ iat: 1000, exp: 1001 })).toBe(1)
    expect(lifetimeOf({ iat: 0, exp: YEAR_AND_A_DAY })).toBe(YEAR_AND_A_DAY)
  })

  it('is ignored, not refused, past a year and a day or in fractions of a second', () => {
    expect(lifetimeOf({ iat: 0, exp: YEAR_AND_A_DAY + 1 })).toBeUndefined()
    expect(lifetimeOf({ iat: 0, exp: 1.5 })).toBeUndefined()
    expect(lifetimeOf({ iat: 5, exp: 5 })).toBeUndefined()
  })
})
