import { describe, it, expect } from 'vitest'
import { SignJWT } from 'jose'
import { computeExpiresAt, decodeClaims, isDueForRefresh } from './expiry.js'

/** A real HS256 JWT signed with a random secret the worker never knows. */
async function jwt(claims: Record<string, unknown>): Promise<string> {
  const secret = crypto.getRandomValues(new Uint8Array(32))
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secret)
}

const RECEIVED_AT = 1_700_000_000_000

describe('computeExpiresAt', () => {
  it('counts expires_in from the moment of receipt', () => {
    expect(computeExpiresAt('opaque-token', 3600, RECEIVED_AT)).toBe(RECEIVED_AT + 3_600_000)
  })

  it('prefers expires_in over the JWT exp', async () => {
    const token = await jwt({ exp: RECEIVED_AT / 1000 + 60 })
    expect(computeExpiresAt(token, 600, RECEIVED_AT)).toBe(RECEIVED_AT + 600_000)
  })

  it('falls back to the JWT exp without expires_in', async () => {
    const exp = RECEIVED_AT / 1000 + 900
    const token = await jwt({ sub: 'user-1', exp })
    expect(computeExpiresAt(token, undefined, RECEIVED_AT)).toBe(exp * 1000)
  })

  it('uses the exp of a JWT whose signature it cannot check', async () => {
    const exp = RECEIVED_AT / 1000 + 300
    const [header, payload] = (await jwt({ exp })).split('.')
    expect(computeExpiresAt(`${header}.${payload}.forged-signature`, undefined, RECEIVED_AT)).toBe(exp * 1000)
  })

  it('answers null for an opaque token without expires_in', () => {
    expect(computeExpiresAt('2YotnFZFEjr1zCsicMWpAA', undefined, RECEIVED_AT)).toBeNull()
    expect(computeExpiresAt('not.a.jwt', undefined, RECEIVED_AT)).toBeNull()
  })

  it('answers null for a JWT without exp', async () => {
    expect(computeExpiresAt(await jwt({ sub: 'user-1' }), undefined, RECEIVED_AT)).toBeNull()
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
