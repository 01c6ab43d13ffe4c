import { describe, expect, it } from 'vitest'
import { parseTokenResponse } from './parseTokenResponse.js'

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
