import { EmbeddedJWK, base64url, calculateJwkThumbprint, decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { createDpopProof } from './createDpopProof.js'
import { generateDpopKey } from './DpopKey.js'

const NOW = 1_700_000_000_123

describe('createDpopProof', () => {
  it('signs an ES256 dpop+jwt with the public key as jwk, verifiable with that key alone', async () => {
    const key = await generateDpopKey()
    const proof = await createDpopProof(key, { htm: 'POST', htu: 'https://auth.example/token' }, NOW)

    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(NOW),
    })
    expect(protectedHeader).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk })
    expect(Object.keys(key.publicJwk).sort()).toEqual(['crv', 'kty', 'x', 'y'])
    expect(payload).toEqual({
      jti: expect.any(String) as string,
      htm: 'POST',
      htu: 'https://auth.example/token',
      iat: 1_700_000_000,
    })
    expect(await calculateJwkThumbprint(protectedHeader.jwk!)).toMatch(/^[\w-]{43}$/)
  })

  it('leaves the query and the fragment out of htu', async () => {
    const key = await generateDpopKey()
    const proof = await createDpopProof(
      key,
      { htm: 'GET', htu: 'https://api.example/v1/orders?draft=1&x=%20#top' },
      NOW,
    )
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { currentDate: new Date(NOW) })
    expect(payload['htu']).toBe('https://api.example/v1/orders')
  })

  it('binds the access token as ath = base64url(SHA-256(token)), and carries the nonce when given', async () => {
    const key = await generateDpopKey()
    const proof = await createDpopProof(
      key,
      { htm: 'GET', htu: 'https://api.example/x', accessToken: 'at-1', nonce: 'n-42' },
      NOW,
    )
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { currentDate: new Date(NOW) })
    expect(payload['ath']).toBe(
      base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('at-1')))),
    )
    expect(payload['nonce']).toBe('n-42')
    // The proof carries the token's hash, never the token.
    expect(proof).not.toContain('at-1')
    expect(base64url.decode(proof.split('.')[1]!).toString()).not.toContain('at-1')
  })

  it('makes a fresh jti for every proof, even for the same request', async () => {
    const key = await generateDpopKey()
    const proofs = await Promise.all(
      Array.from({ length: 20 }, () => createDpopProof(key, { htm: 'GET', htu: 'https://api.example/x' }, NOW)),
    )
    const jtis = await Promise.all(
      proofs.map(async (proof) => (await jwtVerify(proof, EmbeddedJWK, { currentDate: new Date(NOW) })).payload.jti),
    )
    expect(new Set(jtis).size).toBe(20)
    expect(decodeProtectedHeader(proofs[0]!).typ).toBe('dpop+jwt')
  })
})
