import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { TokenStore, type SessionTokens } from './tokenStore.js'

const TOKENS: SessionTokens = {
  loginId: 'login-A',
  issuedBy: 'refresh https://app.example/auth/refresh',
  accessToken: 'at-1',
  refreshToken: 'rt-1',
  idToken: undefined,
  expiresAt: null,
  receivedAt: 0,
}

describe('TokenStore: the first read after a worker start', () => {
  it('is one read shared by every caller that needs the session before it lands', async () => {
    const databaseName = `first-read-${crypto.randomUUID()}`
    await new TokenStore(databaseName).start(TOKENS)
    const restarted = new TokenStore(databaseName)

    // The worker starts the read as its script evaluates; the first requests arrive meanwhile.
    const [atStart, firstRequest, secondRequest] = await Promise.all([
      restarted.current(),
      restarted.current(),
      restarted.current(),
    ])

    expect(firstRequest).toBe(atStart)
    expect(secondRequest).toBe(atStart)
    expect(atStart.tokens?.accessToken).toBe('at-1')
  })

  it('is read again by the next caller when it failed', async () => {
    const databaseName = `first-read-${crypto.randomUUID()}`
    await new TokenStore(databaseName).start(TOKENS)
    const restarted = new TokenStore(databaseName)
    const blocker = await new Promise<IDBDatabase>((resolve) => {
      const open = indexedDB.open(databaseName, 99)
      open.onsuccess = () => resolve(open.result)
    })

    await expect(restarted.current()).rejects.toMatchObject({ code: 'ERR_STORAGE_FAILED' })
    blocker.close()
    await new Promise<void>((resolve) => (indexedDB.deleteDatabase(databaseName).onsuccess = () => resolve()))

    expect((await restarted.current()).tokens).toBeNull()
  })
})
