import { describe, expect, it } from 'vitest'
import { decodeClaims } from './expiry.js'

// What status().claims shows of a token: a compact JWS's claims set, and nothing for anything else.

const base64url = (json: string) => btoa(json).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

describe('decodeClaims at the edges of a JWT', () => {
  it('reads a payload whose base64url uses the URL-safe characters - and _', () => {
    const payload = base64url(JSON.stringify({ n: '~~~???' }))
    expect(payload).toMatch(/-.*_/)
    expect(decodeClaims(`h.${payload}.s`)).toEqual({ n: '~~~???' })
  })

  it('reads nothing from a token of two parts or four, even with a claims set in its second', () => {
    const payload = base64url(JSON.stringify({ sub: 'ada' }))
    expect(decodeClaims(`h.${payload}.s`)).toEqual({ sub: 'ada' })
    expect(decodeClaims(`h.${payload}`)).toBeUndefined()
    expect(decodeClaims(`h.${payload}.s.x`)).toBeUndefined()
    expect(decodeClaims(`h..s`)).toBeUndefined()
  })

  it.each(['5', 'null', '"ada"', '[1,2]'])(
    'reads nothing from a payload of JSON %s, which is no claims set',
    (json) => {
      expect(decodeClaims(`h.${base64url(json)}.s`)).toBeUndefined()
    },
  )

  it('reads nothing from a payload that is not JSON', () => {
    expect(decodeClaims(`h.${base64url('{not json')}.s`)).toBeUndefined()
  })
})
