import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { TokenProxyError } from '../protocol/errors.js'
import { TokenStore, type SessionTokens } from './tokenStore.js'

// The idle clock's record (Policy 16): `lastActiveAt` belongs to the login in the record, only
// moves forward, and survives a renewal of that login but not a new login or a logout.

const tokens = (loginId: string, accessToken: string): SessionTokens => ({
  loginId,
  issuedBy: 'refresh https://app.example/auth/refresh',
  accessToken,
  refreshToken: `rt-for-${accessToken}`,
  idToken: undefined,
  expiresAt: null,
  receivedAt: 1_000,
})

/** Two stores on one database, as two workers (or a worker and its restart) would be. */
async function twoWorkers(loginId = 'login-A') {
  const name = `idle-clock-${crypto.randomUUID()}`
  const here = new TokenStore(name)
  const other = new TokenStore(name)
  await here.start(tokens(loginId, 'at-1'))
  return { here, other }
}

describe('TokenStore: activity in memory (markActive)', () => {
  it("is this worker's alone until saved, and only ever moves forward", async () => {
    const { here, other } = await twoWorkers()

    here.markActive('login-A', 5_000)
    expect((await here.current()).lastActiveAt).toBe(5_000)
    expect((await other.reload()).lastActiveAt).toBeUndefined()

    here.markActive('login-A', 4_000)
    expect((await here.current()).lastActiveAt).toBe(5_000)
    here.markActive('login-A', 6_000)
    expect((await here.current()).lastActiveAt).toBe(6_000)
  })

  it("is not counted for another login than the record's", async () => {
    const { here } = await twoWorkers()
    here.markActive('login-B', 5_000)
    expect(await here.current()).not.toHaveProperty('lastActiveAt')
  })

  it('is ignored, without failing, before the first read and after a logout', async () => {
    const name = `idle-clock-${crypto.randomUUID()}`
    const fresh = new TokenStore(name)
    expect(() => fresh.markActive('login-A', 5_000)).not.toThrow()

    await fresh.start(tokens('login-A', 'at-1'))
    await fresh.end()
    expect(() => fresh.markActive('login-A', 6_000)).not.toThrow()
    expect(await fresh.current()).toEqual({ generation: 2, tokens: null })
  })
})

describe('TokenStore: activity saved (saveActivity)', () => {
  it('is seen by every worker, and a later activity is never overwritten by an earlier one', async () => {
    const { here, other } = await twoWorkers()

    await here.saveActivity('login-A', 5_000)
    expect((await other.reload()).lastActiveAt).toBe(5_000)

    await other.saveActivity('login-A', 4_000)
    expect((await here.reload()).lastActiveAt).toBe(5_000)
    await other.saveActivity('login-A', 7_000)
    expect((await here.reload()).lastActiveAt).toBe(7_000)
    // Activity is not a new generation: a refresh prepared before it still lands.
    expect((await here.current()).generation).toBe(1)
  })

  it('is not saved for another login, nor for a session that has ended', async () => {
    const { here, other } = await twoWorkers()
    await here.saveActivity('login-B', 5_000)
    expect(await other.reload()).not.toHaveProperty('lastActiveAt')

    await here.end()
    await expect(here.saveActivity('login-A', 6_000)).resolves.toBeUndefined()
    expect(await other.reload()).toEqual({ generation: 2, tokens: null })
  })
})

describe('TokenStore: the idle clock across renewals and logins', () => {
  it("keeps the login's last activity through its refresh", async () => {
    const { here, other } = await twoWorkers()
    await here.saveActivity('login-A', 5_000)

    const { written, record } = await here.compareAndSwap(1, tokens('login-A', 'at-2'))

    expect(written).toBe(true)
    expect(record).toEqual({ generation: 2, tokens: tokens('login-A', 'at-2'), lastActiveAt: 5_000 })
    expect((await other.reload()).lastActiveAt).toBe(5_000)
  })

  it('has no last activity in a renewal of a session nobody used yet', async () => {
    const { here } = await twoWorkers()
    const { record } = await here.compareAndSwap(1, tokens('login-A', 'at-2'))
    expect(record).not.toHaveProperty('lastActiveAt')
  })

  it("does not give a login another login's activity, and forgets it when the session ends", async () => {
    const { here } = await twoWorkers()
    await here.saveActivity('login-A', 5_000)
    const { record: replaced } = await here.compareAndSwap(1, tokens('login-B', 'at-B'))
    expect(replaced).not.toHaveProperty('lastActiveAt')

    await here.saveActivity('login-B', 6_000)
    const { record: ended } = await here.compareAndSwap(2, null)
    expect(ended).toEqual({ generation: 3, tokens: null })
  })

  it('starts a session over an ended one at its generation, with no activity of its own', async () => {
    const { here } = await twoWorkers()
    await here.saveActivity('login-A', 5_000)
    await here.end()
    const { written, record } = await here.compareAndSwap(2, tokens('login-A', 'at-2'))
    expect(written).toBe(true)
    expect(record).toEqual({ generation: 3, tokens: tokens('login-A', 'at-2') })
  })
})

describe('TokenStore: a store that cannot be read', () => {
  const blockedBy = (name: string) =>
    new Promise<IDBDatabase>((resolve) => {
      const open = indexedDB.open(name, 99)
      open.onsuccess = () => resolve(open.result)
    })

  it('leaves a request about to go out without a token with what this worker knew: no session', async () => {
    const name = `idle-clock-${crypto.randomUUID()}`
    const store = new TokenStore(name)
    const known = await store.current()
    const blocker = await blockedBy(name)

    expect(await store.currentOrStarted()).toEqual(known)
    blocker.close()
  })

  it("fails with the storage error, naming IndexedDB's own as its cause", async () => {
    const name = `idle-clock-${crypto.randomUUID()}`
    const store = new TokenStore(name)
    await store.start(tokens('login-A', 'at-1'))
    const blocker = await blockedBy(name)

    const error = await store.reload().catch((failure: unknown) => failure)
    expect(error).toBeInstanceOf(TokenProxyError)
    expect(error).toMatchObject({ code: 'ERR_STORAGE_FAILED', cause: { name: 'VersionError' } })
    blocker.close()
  })
})
