import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../protocol/errors.js'
import { parseTokenResponse } from './parseTokenResponse.js'

/**
 * The reason a rejected token response gives: the developer reads it in the worker's warning and
 * in the page's 502, so it must name the field and the rule that failed (never the token).
 */

const jwt = (claims: Record<string, unknown>) =>
  `${btoa(JSON.stringify({ alg: 'none' }))}.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`

const cases: Array<[string, unknown, string, { acceptDpop?: boolean }?]> = [
  ['a body that is not an object', [], 'the body is not a JSON object'],
  ['a missing access token', { token_type: 'Bearer' }, '"access_token" is missing'],
  ['a null access token', { access_token: null }, '"access_token" is a null, not a string'],
  ['a numeric access token', { access_token: 7 }, '"access_token" is a number, not a string'],
  ['an empty refresh token', { access_token: 'at', refresh_token: '' }, '"refresh_token" is empty'],
  [
    'a huge id token',
    { access_token: 'at', id_token: 'x'.repeat(16 * 1024 + 1) },
    '"id_token" is longer than 16384 characters',
  ],
  ['a token with a space', { access_token: 'a t' }, '"access_token" contains characters not allowed in an HTTP header'],
  ['expires_in as words', { access_token: 'at', expires_in: 'soon' }, '"expires_in" is not a number'],
  [
    'an infinite expires_in',
    { access_token: 'at', expires_in: Number.POSITIVE_INFINITY },
    '"expires_in" is not a number',
  ],
  ['expires_in of zero', { access_token: 'at', expires_in: 0 }, '"expires_in" is less than 1 second'],
  ['a fractional expires_in', { access_token: 'at', expires_in: 1.5 }, '"expires_in" is not a whole number of seconds'],
  [
    'expires_in over a year and a day',
    { access_token: 'at', expires_in: 366 * 24 * 3600 + 1 },
    '"expires_in" is more than 31622400 seconds',
  ],
  [
    'a JWT living less than a second',
    { access_token: jwt({ iat: 100, exp: 100 }) },
    'the access token\'s "exp" − "iat" is less than 1 second',
  ],
  [
    'a MAC token with DPoP allowed',
    { access_token: 'at', token_type: 'mac' },
    '"token_type" is neither "Bearer" nor "DPoP"',
    { acceptDpop: true },
  ],
  [
    'a DPoP token without DPoP',
    { access_token: 'at', token_type: 'DPoP' },
    '"token_type" is not "Bearer" (a "DPoP" token needs dpop: true',
  ],
]

describe('a rejected token response', () => {
  it.each(cases)('names the problem: %s', (_what, body, reason, options) => {
    expect(() => parseTokenResponse(body, options)).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_TOKEN_RESPONSE,
        message: expect.stringContaining(reason) as unknown,
      }) as Error,
    )
  })
})
