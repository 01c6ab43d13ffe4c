import { describe, it, expect } from 'vitest'
import { SignJWT } from 'jose'
import { computeExpiresAt, decodeClaims, isDueForRefresh, jwtLifetimeSeconds } from './expiry.js'

/** A real HS256 JWT signed with a random secret the worker never knows. */
async function jwt(claims: Record<string, unknown>): Promise<string> {
  const secret = crypto.getRandomValues(new Uint8Array(32))
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secret)
}

const RECEIVED_AT = 1_700_000_000_000

describe('computeExpiresAt', () => {
  it('counts the lifetime from the moment of receipt', () => {
    expect(computeExpiresAt(3600, RECEIVED_AT)).toBe(RECEIVED_AT + 3_600_000)
  })

  it('answers null when the lifetime is unknown', () => {
    expect(computeExpiresAt(undefined, RECEIVED_AT)).toBeNull()
  })
})

describe('jwtLifetimeSeconds', () => {
  it('is exp − iat, whatever the device clock says', async () => {
    // An issuer whose clock runs 10 minutes ahead of the device, and one 10 minutes behind.
    for (const skew of [600, -600]) {
      const iat = RECEIVED_AT / 1000 + skew
      expect(jwtLifetimeSeconds(await jwt({ iat, exp: iat + 900 }))).toBe(900)
    }
  })

  it('reads a JWT whose signature it cannot check', async () => {
    const [header, payload] = (await jwt({ iat: 100, exp: 400 })).split('.')
    expect(jwtLifetimeSeconds(`${header}.${payload}.forged-signature`)).toBe(300)
  })

  it('answers undefined for an opaque token, or a JWT without both exp and iat', async () => {
    expect(jwtLifetimeSeconds('2YotnFZFEjr1zCsicMWpAA')).toBeUndefined()
    expect(jwtLifetimeSeconds('not.a.jwt')).toBeUndefined()
    expect(jwtLifetimeSeconds(await jwt({ sub: 'user-1' }))).toBeUndefined()
    expect(jwtLifetimeSeconds(await jwt({ exp: RECEIVED_AT / 1000 + 60 }))).toBeUndefined()
  })

  it('answers NaN when a claim is not a number, for the parser to reject', async () => {
    expect(jwtLifetimeSeconds(await jwt({ iat: 'yesterday', exp: 400 }))).toBeNaN()
  })
})

describe('decodeClaims', () => {
  it('decodes the claims of a JWT', async () => {
    expect(decodeClaims(await jwt({ sub: 'user-1', name: 'Ada' }))).toEqual({ sub: 'user-1', name: 'Ada' })
  })

  it('answers undefined for an opaque token', () => {
    expect(decodeClaims('opaque-token')).toBeUndefined()
  })
})

describe('isDueForRefresh', () => {
  const HOUR = 3_600_000

  it('is due within refreshAheadSeconds of expiry, on the exact boundary included', () => {
    const token = { receivedAt: 0, expiresAt: HOUR }
    expect(isDueForRefresh(token, HOUR - 30_001, 30)).toBe(false)
    expect(isDueForRefresh(token, HOUR - 30_000, 30)).toBe(true)
    expect(isDueForRefresh(token, HOUR - 1, 30)).toBe(true)
  })

  it('is due once the token has expired', () => {
    const token = { receivedAt: 0, expiresAt: HOUR }
    expect(isDueForRefresh(token, HOUR, 30)).toBe(true)
    expect(isDueForRefresh(token, HOUR + 60_000, 30)).toBe(true)
  })

  it('is not due right after receipt', () => {
    expect(isDueForRefresh({ receivedAt: 0, expiresAt: HOUR }, 0, 30)).toBe(false)
  })

  it('caps the window at half the lifetime, so a short token is not renewed on every request', () => {
    // A 20 s token with a 30 s refresh-ahead would otherwise always be due.
    const token = { receivedAt: 100_000, expiresAt: 120_000 }
    expect(isDueForRefresh(token, 100_000, 30)).toBe(false)
    expect(isDueForRefresh(token, 109_999, 30)).toBe(false)
    expect(isDueForRefresh(token, 110_000, 30)).toBe(true)
  })

  it('uses refreshAheadSeconds when it is less than half the lifetime', () => {
    const token = { receivedAt: 0, expiresAt: 100_000 }
    expect(isDueForRefresh(token, 89_999, 10)).toBe(false)
    expect(isDueForRefresh(token, 90_000, 10)).toBe(true)
  })

  it('with refreshAheadSeconds 0 is due only at expiry', () => {
    const token = { receivedAt: 0, expiresAt: HOUR }
    expect(isDueForRefresh(token, HOUR - 1, 0)).toBe(false)
    expect(isDueForRefresh(token, HOUR, 0)).toBe(true)
  })

  it('treats a token that expired before it was received as due', () => {
    expect(isDueForRefresh({ receivedAt: 10_000, expiresAt: 5_000 }, 10_000, 30)).toBe(true)
  })

  it('is never due when the expiry is unknown', () => {
    const token = { receivedAt: 0, expiresAt: null }
    expect(isDueForRefresh(token, 0, 30)).toBe(false)
    expect(isDueForRefresh(token, Number.MAX_SAFE_INTEGER, 30)).toBe(false)
  })
})
