import { describe, expect, it } from 'vitest'
import { parseWwwAuthenticate, type AuthChallenge } from './parseWwwAuthenticate.js'

/** Challenges as plain objects (the parser's `params` have no prototype). */
const parse = (header: string | null | undefined): AuthChallenge[] =>
  parseWwwAuthenticate(header).map((challenge) => ({ ...challenge, params: { ...challenge.params } }))

describe('parseWwwAuthenticate (RFC 9110 §11.6.1)', () => {
  it('reads an RFC 9470 step-up challenge', () => {
    expect(
      parse(
        'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          error: 'insufficient_user_authentication',
          error_description: 'A different authentication level is required',
          acr_values: 'myACR',
        },
      },
    ])
  })

  it('reads several challenges in one header, and tells a next scheme from a next parameter', () => {
    expect(
      parse(
        'Basic realm="api", Bearer realm="api", error="insufficient_user_authentication", max_age=5, DPoP algs="ES256 PS256", Negotiate',
      ),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'api' } },
      { scheme: 'bearer', params: { realm: 'api', error: 'insufficient_user_authentication', max_age: '5' } },
      { scheme: 'dpop', params: { algs: 'ES256 PS256' } },
      { scheme: 'negotiate', params: {} },
    ])
  })

  it('reads two headers as fetch joins them (", ")', () => {
    const headers = new Headers()
    headers.append('WWW-Authenticate', 'DPoP error="use_dpop_nonce", algs="ES256"')
    headers.append('WWW-Authenticate', 'Bearer error="invalid_token"')
    expect(parse(headers.get('WWW-Authenticate'))).toEqual([
      { scheme: 'dpop', params: { error: 'use_dpop_nonce', algs: 'ES256' } },
      { scheme: 'bearer', params: { error: 'invalid_token' } },
    ])
  })

  it('unquotes quoted strings: commas, "=" and escaped quotes inside them are text', () => {
    expect(parse('Bearer error_description="a, b = \\"c\\" \\\\ d", acr_values="urn:a urn:b"')).toEqual([
      { scheme: 'bearer', params: { error_description: 'a, b = "c" \\ d', acr_values: 'urn:a urn:b' } },
    ])
  })

  it('is case-insensitive for schemes and parameter names, not for values', () => {
    expect(parse('BEARER Error="Invalid_Token"')).toEqual([{ scheme: 'bearer', params: { error: 'Invalid_Token' } }])
  })

  it('allows spaces around "=" (BWS), empty list elements, and tabs', () => {
    expect(parse(' , Bearer\terror = "invalid_token" ,, max_age =\t0 ,')).toEqual([
      { scheme: 'bearer', params: { error: 'invalid_token', max_age: '0' } },
    ])
  })

  it('reads token68 challenges, with their "=" padding', () => {
    expect(parse('Negotiate YIIBhQYGKwYB==, Bearer error="invalid_token"')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'YIIBhQYGKwYB==' },
      { scheme: 'bearer', params: { error: 'invalid_token' } },
    ])
  })

  it('keeps the first value of a parameter given twice, and has no prototype to pollute', () => {
    const [challenge] = parseWwwAuthenticate('Bearer error="invalid_token", error="insufficient_scope", __proto__="x"')
    expect(challenge?.params['error']).toBe('invalid_token')
    expect(challenge?.params['__proto__']).toBe('x')
    expect(Object.getPrototypeOf(challenge?.params)).toBeNull()
  })

  it.each<[string, string | null | undefined]>([
    ['a missing header', null],
    ['an empty header', ''],
    ['only separators', ' , ,'],
    ['a parameter without a scheme', '="x"'],
  ])('answers no challenge for %s', (_what, header) => {
    expect(parse(header)).toEqual([])
  })

  it.each<[string, string, AuthChallenge[]]>([
    [
      'an unterminated quoted string',
      'Basic realm="x", Bearer error="invalid_token',
      [{ scheme: 'basic', params: { realm: 'x' } }],
    ],
    [
      'a parameter without a value',
      'Basic realm="x", Bearer error= , max_age=1',
      [{ scheme: 'basic', params: { realm: 'x' } }],
    ],
    ['parameters not separated by a comma', 'Basic, Bearer error="a" max_age=1', [{ scheme: 'basic', params: {} }]],
    ['an unquoted value with a space', 'Bearer error=invalid token', []],
    ['a quote where a token should be', 'Bearer "error"="x"', []],
  ])('stops at %s, keeping only the challenges read whole before it', (_what, header, expected) => {
    expect(parse(header)).toEqual(expected)
  })

  it('never throws, whatever the server sends', () => {
    const pieces = ['Bearer', ' ', ',', '=', '"', '\\', 'error', 'x==', '\t', 'DPoP', 'a=b']
    for (let seed = 1; seed <= 2_000; seed++) {
      let header = ''
      let state = seed
      for (let length = 0; length < 12; length++) {
        state = (state * 1_103_515_245 + 12_345) % 2 ** 31
        header += pieces[state % pieces.length]
      }
      expect(() => parseWwwAuthenticate(header)).not.toThrow()
    }
  })
})
