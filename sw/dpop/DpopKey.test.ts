import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { TokenStore } from '../tokenStore.js'
import { generateDpopKey } from './DpopKey.js'

describe('generateDpopKey', () => {
  it('makes a P-256 signing key whose private half cannot be exported', async () => {
    const { privateKey } = await generateDpopKey()
    expect(privateKey.extractable).toBe(false)
    expect(privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' })
    expect(privateKey.usages).toEqual(['sign'])
    await expect(crypto.subtle.exportKey('jwk', privateKey)).rejects.toThrow()
    await expect(crypto.subtle.exportKey('pkcs8', privateKey)).rejects.toThrow()
  })

  it('makes a new key for every session', async () => {
    const [a, b] = await Promise.all([generateDpopKey(), generateDpopKey()])
    expect(a.publicJwk.x).not.toBe(b.publicJwk.x)
  })

  it('is kept with the session record as a non-extractable CryptoKey, and goes with it', async () => {
    const store = new TokenStore(`dpop-key-${crypto.randomUUID()}`)
    const dpopKey = await generateDpopKey()
    await store.start({
      loginId: 'l',
      issuedBy: 'i',
      accessToken: 'a',
      refreshToken: 'r',
      idToken: undefined,
      expiresAt: null,
      receivedAt: 0,
      dpopKey,
      tokenType: 'DPoP',
    })

    const record = await store.reload()
    const stored = record.tokens?.dpopKey
    expect(stored?.privateKey).toBeInstanceOf(CryptoKey)
    expect(stored?.privateKey.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('jwk', stored!.privateKey)).rejects.toThrow()
    expect(stored?.publicJwk).toEqual(dpopKey.publicJwk)

    await store.end()
    expect((await store.reload()).tokens).toBeNull()
    await store.close()
  })
})
