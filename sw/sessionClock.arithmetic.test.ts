import { describe, expect, it } from 'vitest'
import { TokenProxyError } from '../protocol/errors.js'
import { parseTokenResponse } from './parseTokenResponse.js'
import { clockFieldsFrom, deadlinesOf, firstEnd, resolveSessionLimits } from './sessionClock.js'
import type { LiveSession } from './tokenStore.js'
import { liveSession, unsignedJwt } from './testSessionClock.js'

// The session clock's pure parts, at their edges: the defaults, the ID token's instants that make
// no instant, and which deadline wins a tie.

const T0 = 1_700_000_000_000
const withIdToken = (claims: Record<string, unknown>) =>
  parseTokenResponse({ access_token: 'a', id_token: unsignedJwt(claims) })

const record = (tokens: Partial<LiveSession['tokens']>, lastActiveAt?: number) => liveSession(T0, tokens, lastActiveAt)

describe('the session options', () => {
  it('without any, put no limit on a session and warn a minute before an end', () => {
    expect(resolveSessionLimits(undefined)).toStrictEqual({
      maxSeconds: undefined,
      idleSeconds: undefined,
      warnBeforeSeconds: 60,
    })
    expect(resolveSessionLimits({ idleSeconds: 300 })).toStrictEqual({
      maxSeconds: undefined,
      idleSeconds: 300,
      warnBeforeSeconds: 60,
    })
  })

  it.each([null, 'one hour', 3600])('refuses session: %j with the usual ERR_INVALID_OPTIONS sentence', (session) => {
    const refusal = (() => {
      try {
        resolveSessionLimits(session as never)
      } catch (error) {
        return error
      }
      return undefined
    })()
    expect(refusal).toBeInstanceOf(TokenProxyError)
    expect(refusal).toMatchObject({ code: 'ERR_INVALID_OPTIONS' })
    expect((refusal as Error).message).toContain('"session" must be an object')
  })
})

describe("the ID token's instants", () => {
  it('add no clock field for tokens that state none', () => {
    expect(clockFieldsFrom(parseTokenResponse({ access_token: 'a' }), T0, {})).toStrictEqual({})
    expect(clockFieldsFrom(withIdToken({ iat: 5_000 }), T0, {})).toStrictEqual({})
  })

  it.each([
    ['an iat that is not a number', { iat: '5000', session_expiry: 5_300 }],
    ['a session_expiry that is not a number', { iat: 5_000, session_expiry: '5300' }],
    ['no iat', { session_expiry: 5_300 }],
    ['instants too far apart to count', { iat: -1e308, session_expiry: 1e308 }],
  ])('make no provider end from %s', (_, claims) => {
    expect(clockFieldsFrom(withIdToken(claims), T0, {})).toStrictEqual({})
  })

  it('count only the distance between the instants, however large they are', () => {
    expect(clockFieldsFrom(withIdToken({ iat: 1e308, session_expiry: 1e308 }), T0, {})).toStrictEqual({
      providerEndsAt: T0,
    })
  })
})

describe('which deadline ends a session', () => {
  const limits = resolveSessionLimits({ idleSeconds: 1 })

  it("is the provider's own end when it comes first, named as the ceiling", () => {
    const deadlines = deadlinesOf(record({ refreshExpiresAt: T0 + 900, providerEndsAt: T0 + 800 }), limits)
    expect(deadlines).toMatchObject({ sessionEndsAt: T0 + 800, sessionEndReason: 'session_ceiling' })
    expect(deadlinesOf(record({ providerEndsAt: T0 + 800 }), resolveSessionLimits(undefined))).toEqual({
      sessionEndsAt: T0 + 800,
      sessionEndReason: 'session_ceiling',
      idleEndsAt: null,
    })
  })

  it("is the refresh token's lifetime on a tie with the ceiling", () => {
    expect(deadlinesOf(record({ refreshExpiresAt: T0 + 800, providerEndsAt: T0 + 800 }), limits)).toMatchObject({
      sessionEndsAt: T0 + 800,
      sessionEndReason: 'refresh_token_lifetime',
    })
  })

  it('is the idle timeout on a tie with any other', () => {
    const deadlines = deadlinesOf(record({ refreshExpiresAt: T0 + 1000 }), limits)
    expect(deadlines.idleEndsAt).toBe(T0 + 1000)
    expect(firstEnd(deadlines)).toEqual({ endsAt: T0 + 1000, reason: 'idle' })
  })

  it('is none for a session without any deadline', () => {
    expect(firstEnd({ sessionEndsAt: null, sessionEndReason: undefined, idleEndsAt: null })).toBeUndefined()
  })
})
