import { SignJWT } from 'jose'
import { describe, it, expect } from 'vitest'
import { TokenProxyError } from '../protocol/errors.js'
import { MAX_EXPIRES_IN_SECONDS, parseTokenResponse, withoutTokenFields } from './parseTokenResponse.js'

const MESSAGE_START = '[sw-token-proxy] Failed to accept the token response:'

/** Parses `body`, expecting a rejection, and checks the error shape every rejection shares. */
function rejectionOf(body: unknown): TokenProxyError {
  let caught: unknown
  try {
    parseTokenResponse(body)
  } catch (error) {
    caught = error
  }
  expect(caught, 'the response was accepted').toBeInstanceOf(TokenProxyError)
  const error = caught as TokenProxyError
  expect(error.code).toBe('ERR_INVALID_TOKEN_RESPONSE')
  expect(error.message.startsWith(MESSAGE_START)).toBe(true)
  return error
}

/** An HS256 JWT with these claims, signed with a key the worker never knows. */
function jwtWith(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(crypto.getRandomValues(new Uint8Array(32)))
}

describe('parseTokenResponse accepts', () => {
  it('an RFC 6749 section 5.1 response', () => {
    expect(
      parseTokenResponse({
        access_token: 'at-123',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'rt-456',
        id_token: 'id.token.jwt',
        scope: 'openid',
      }),
    ).toEqual({ accessToken: 'at-123', refreshToken: 'rt-456', idToken: 'id.token.jwt', lifetimeSeconds: 3600 })
  })

  it.each(['bearer', 'Bearer', 'BEARER', 'bEaReR'])('token_type %s in any case', (tokenType) => {
    expect(parseTokenResponse({ access_token: 'at', token_type: tokenType }).accessToken).toBe('at')
  })

  it('the JSON style without token_type', () => {
    expect(parseTokenResponse({ access_token: 'at', refresh_token: 'rt', expires_in: 900 })).toEqual({
      accessToken: 'at',
      refreshToken: 'rt',
      idToken: undefined,
      lifetimeSeconds: 900,
    })
  })

  it('a response without refresh_token, reporting it as undefined so the old one is kept', () => {
    const tokens = parseTokenResponse({ access_token: 'at', token_type: 'bearer' })
    expect(tokens.refreshToken).toBeUndefined()
    expect(tokens.idToken).toBeUndefined()
    expect(tokens.lifetimeSeconds).toBeUndefined()
  })

  it('null refresh_token, id_token and expires_in as absent', () => {
    expect(parseTokenResponse({ access_token: 'at', refresh_token: null, id_token: null, expires_in: null })).toEqual({
      accessToken: 'at',
      refreshToken: undefined,
      idToken: undefined,
      lifetimeSeconds: undefined,
    })
  })

  it('expires_in as a digit string', () => {
    expect(parseTokenResponse({ access_token: 'at', expires_in: '3600' }).lifetimeSeconds).toBe(3600)
  })

  it('expires_in at exactly the maximum', () => {
    expect(parseTokenResponse({ access_token: 'at', expires_in: MAX_EXPIRES_IN_SECONDS }).lifetimeSeconds).toBe(
      MAX_EXPIRES_IN_SECONDS,
    )
  })

  it('every visible ASCII character in a token', () => {
    let visible = ''
    for (let code = 0x21; code <= 0x7e; code += 1) visible += String.fromCharCode(code)
    expect(parseTokenResponse({ access_token: visible, refresh_token: visible }).accessToken).toBe(visible)
  })
})

describe('parseTokenResponse rejects', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'access_token=at'],
    ['a number', 42],
    ['a boolean', true],
    ['an empty array', []],
    ['an array holding a token response', [{ access_token: 'at' }]],
  ])('a body that is %s', (_why, body) => {
    rejectionOf(body)
  })

  it.each<[string, Record<string, unknown>]>([
    ['missing', {}],
    ['null', { access_token: null }],
    ['empty', { access_token: '' }],
    ['a number', { access_token: 12345 }],
    ['an object', { access_token: { value: 'at' } }],
    ['an array', { access_token: ['at'] }],
  ])('access_token that is %s', (_why, body) => {
    rejectionOf({ token_type: 'Bearer', ...body })
  })

  it.each<[string, unknown]>([
    ['mac', 'mac'],
    ['DPoP', 'DPoP'],
    ['empty', ''],
    ['Bearer with a space', 'Bearer '],
    ['a number', 1],
    ['null', null],
  ])('token_type %s', (_why, tokenType) => {
    rejectionOf({ access_token: 'at', token_type: tokenType })
  })

  it.each<[string, unknown]>([
    ['a number', 42],
    ['an empty string', ''],
    ['an object', { value: 'rt' }],
  ])('refresh_token that is %s', (_why, refreshToken) => {
    rejectionOf({ access_token: 'at', refresh_token: refreshToken })
  })

  it('an access_token longer than 16 KiB', () => {
    rejectionOf({ access_token: 'a'.repeat(16 * 1024 + 1) })
  })

  it.each<[string, unknown]>([
    ['negative', -1],
    ['zero', 0],
    ['more than a year and a day', MAX_EXPIRES_IN_SECONDS + 1],
    ['huge', 1e20],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['NaN', Number.NaN],
    ['the string NaN', 'NaN'],
    ['a word', 'soon'],
    ['a string with a unit', '3600s'],
    ['a decimal string', '3600.5'],
    ['a string in exponent form', '1e3'],
    ['a string with spaces', ' 3600'],
    ['a negative string', '-60'],
    ['an empty string', ''],
    ['a boolean', true],
    ['an object', { seconds: 60 }],
    ['a fraction of a second', 0.5],
    ['not whole seconds', 1.5],
  ])('expires_in that is %s', (_why, expiresIn) => {
    rejectionOf({ access_token: 'at', expires_in: expiresIn })
  })

  it.each<[string, Record<string, unknown>]>([
    ['exp before iat', { iat: 1_000, exp: 900 }],
    ['exp equal to iat', { iat: 1_000, exp: 1_000 }],
    ['a fractional lifetime', { iat: 1_000, exp: 1_000.5 }],
    ['a non-number iat', { iat: 'now', exp: 1_000 }],
    ['a lifetime over a year and a day', { iat: 0, exp: MAX_EXPIRES_IN_SECONDS + 1 }],
  ])('a JWT without expires_in whose lifetime is %s', async (_why, claims) => {
    rejectionOf({ access_token: await jwtWith(claims) })
  })
})

describe('parseTokenResponse reads the lifetime', () => {
  it('from expires_in when there is one, whatever the JWT says', async () => {
    expect(
      parseTokenResponse({ access_token: await jwtWith({ iat: 0, exp: 60 }), expires_in: 600 }).lifetimeSeconds,
    ).toBe(600)
  })

  it('from the JWT exp − iat without expires_in, not from exp against the device clock', async () => {
    const issuerClockAhead = Date.now() / 1000 + 3_600
    const token = await jwtWith({ iat: Math.floor(issuerClockAhead), exp: Math.floor(issuerClockAhead) + 300 })
    expect(parseTokenResponse({ access_token: token }).lifetimeSeconds).toBe(300)
  })

  it('as unknown for an opaque token without expires_in, or a JWT without iat', async () => {
    expect(parseTokenResponse({ access_token: 'opaque' }).lifetimeSeconds).toBeUndefined()
    expect(parseTokenResponse({ access_token: await jwtWith({ exp: 2_000_000_000 }) }).lifetimeSeconds).toBeUndefined()
  })
})

describe('parseTokenResponse never echoes a token in its error', () => {
  const SECRET = 'SeCrEt-7f3a9c'
  const unsafe: Array<[string, string]> = [
    ['CR LF', `${SECRET}\r\nSet-Cookie: x=1`],
    ['LF', `${SECRET}\nX`],
    ['CR', `${SECRET}\rX`],
    ['a space', `${SECRET} X`],
    ['a tab', `${SECRET}\tX`],
    ['NUL', `${SECRET}\u0000X`],
    ['DEL', `${SECRET}\u007fX`],
    ['non-ASCII', `${SECRET}é`],
    ['a non-breaking space', `${SECRET}\u00a0X`],
    ['an emoji', `${SECRET}🔑`],
  ]

  it.each(unsafe)('access_token with %s', (_why, token) => {
    const error = rejectionOf({ access_token: token, token_type: 'Bearer' })
    expect(error.message).not.toContain(SECRET)
    expect(JSON.stringify(error.toJSON())).not.toContain(SECRET)
  })

  it.each(unsafe)('refresh_token with %s', (_why, token) => {
    const error = rejectionOf({ access_token: 'at', refresh_token: token })
    expect(error.message).not.toContain(SECRET)
  })

  it.each(unsafe)('id_token with %s', (_why, token) => {
    const error = rejectionOf({ access_token: 'at', id_token: token })
    expect(error.message).not.toContain(SECRET)
  })

  it('when the token is valid but the token type is wrong', () => {
    const error = rejectionOf({ access_token: SECRET, token_type: 'mac' })
    expect(error.message).not.toContain(SECRET)
  })

  it('when the token is valid but expires_in is not', () => {
    const error = rejectionOf({ access_token: SECRET, refresh_token: `${SECRET}-r`, expires_in: -5 })
    expect(error.message).not.toContain(SECRET)
  })

  it('when the access token is too long', () => {
    const error = rejectionOf({ access_token: SECRET.repeat(2000) })
    expect(error.message).not.toContain(SECRET)
  })
})

describe('withoutTokenFields', () => {
  it('removes access_token, refresh_token and id_token and keeps everything else', () => {
    const body = {
      access_token: 'at',
      refresh_token: 'rt',
      id_token: 'it',
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid profile',
      user: { name: 'Ada' },
    }
    expect(withoutTokenFields(body)).toEqual({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid profile',
      user: { name: 'Ada' },
    })
  })

  it('does not change the body it was given', () => {
    const body = { access_token: 'at', refresh_token: 'rt', scope: 'x' }
    withoutTokenFields(body)
    expect(body).toEqual({ access_token: 'at', refresh_token: 'rt', scope: 'x' })
  })

  it('returns a body without token fields unchanged', () => {
    expect(withoutTokenFields({ ok: true })).toEqual({ ok: true })
  })
})
