import 'fake-indexeddb/auto'
import { describe, it, expect } from 'vitest'
import { NO_SESSION, TokenStore, type SessionTokens } from './tokenStore.js'
import { pendingSignInsIn } from './oidc/pendingSignIns.js'

let databaseCount = 0
/** Every test gets a database of its own. */
function uniqueName(): string {
  databaseCount += 1
  return `token-store-test-${databaseCount}-${crypto.randomUUID()}`
}

function tokens(accessToken: string, overrides: Partial<SessionTokens> = {}): SessionTokens {
  return {
    loginId: 'login-1',
    issuedBy: 'refresh https://app.example/auth/refresh',
    accessToken,
    refreshToken: `rt-for-${accessToken}`,
    idToken: undefined,
    expiresAt: 1_000_000 + 3_600_000,
    receivedAt: 1_000_000,
    ...overrides,
  }
}

/** Two stores on one database, as two worker instances would be, after a login through the first. */
async function twoWorkersWithASession(): Promise<{ a: TokenStore; b: TokenStore }> {
  const name = uniqueName()
  const a = new TokenStore(name)
  const b = new TokenStore(name)
  await a.start(tokens('at-1'))
  return { a, b }
}

describe('TokenStore', () => {
  it('answers NO_SESSION for an empty database', async () => {
    const store = new TokenStore(uniqueName())
    expect(await store.current()).toEqual(NO_SESSION)
    expect(await store.reload()).toEqual({ generation: 0, tokens: null })
    await store.close()
  })

  it('starts a session at the next generation, and again on every login', async () => {
    const store = new TokenStore(uniqueName())
    const first = await store.start(tokens('at-1'))
    expect(first).toEqual({ generation: 1, tokens: tokens('at-1') })
    expect(await store.current()).toEqual(first)

    const second = await store.start(tokens('at-2'))
    expect(second).toEqual({ generation: 2, tokens: tokens('at-2') })
    await store.close()
  })

  it('keeps every token field as written, including unknown expiry and absent tokens', async () => {
    const name = uniqueName()
    const written = tokens('at-1', { refreshToken: undefined, idToken: 'id-1', expiresAt: null })
    const store = new TokenStore(name)
    await store.start(written)
    await store.close()

    const reopened = new TokenStore(name)
    expect(await reopened.current()).toEqual({ generation: 1, tokens: written })
    await reopened.close()
  })

  it('persists the session for a worker that starts later', async () => {
    const name = uniqueName()
    const store = new TokenStore(name)
    await store.start(tokens('at-1'))
    await store.close()

    const restarted = new TokenStore(name)
    expect(await restarted.current()).toEqual({ generation: 1, tokens: tokens('at-1') })
    await restarted.close()
  })

  describe('compareAndSwap', () => {
    it('writes at the expected generation and moves the generation on', async () => {
      const store = new TokenStore(uniqueName())
      await store.start(tokens('at-1'))
      const result = await store.compareAndSwap(1, tokens('at-2'))
      expect(result).toEqual({ written: true, record: { generation: 2, tokens: tokens('at-2') } })
      expect(await store.reload()).toEqual({ generation: 2, tokens: tokens('at-2') })
      await store.close()
    })

    it('writes nothing at any other generation and answers the record as it is', async () => {
      const store = new TokenStore(uniqueName())
      await store.start(tokens('at-1'))
      await store.compareAndSwap(1, tokens('at-2'))

      const stale = await store.compareAndSwap(1, tokens('at-stale'))
      expect(stale).toEqual({ written: false, record: { generation: 2, tokens: tokens('at-2') } })
      const ahead = await store.compareAndSwap(3, tokens('at-ahead'))
      expect(ahead.written).toBe(false)
      expect(await store.reload()).toEqual({ generation: 2, tokens: tokens('at-2') })
      await store.close()
    })

    it('lets exactly one of two concurrent writers at the same generation win', async () => {
      const { a, b } = await twoWorkersWithASession()

      const [fromA, fromB] = await Promise.all([
        a.compareAndSwap(1, tokens('at-a')),
        b.compareAndSwap(1, tokens('at-b')),
      ])
      expect([fromA.written, fromB.written].filter(Boolean)).toHaveLength(1)
      const winner = fromA.written ? tokens('at-a') : tokens('at-b')
      expect(await a.reload()).toEqual({ generation: 2, tokens: winner })
      expect(fromA.record).toEqual({ generation: 2, tokens: winner })
      expect(fromB.record).toEqual({ generation: 2, tokens: winner })
      await a.close()
      await b.close()
    })

    it('does not let a write prepared before a logout and a new login land (no ABA)', async () => {
      const store = new TokenStore(uniqueName())
      await store.start(tokens('at-old'))
      await store.end()
      await store.start(tokens('at-new'))

      const late = await store.compareAndSwap(1, tokens('at-refreshed-old'))
      expect(late.written).toBe(false)
      expect(await store.reload()).toEqual({ generation: 3, tokens: tokens('at-new') })
      await store.close()
    })

    it('can end a session by writing null', async () => {
      const store = new TokenStore(uniqueName())
      await store.start(tokens('at-1'))
      expect(await store.compareAndSwap(1, null)).toEqual({ written: true, record: { generation: 2, tokens: null } })
      await store.close()
    })
  })

  describe('end', () => {
    it('tombstones the session, keeping the generation growing, and answers the tokens it cleared', async () => {
      const store = new TokenStore(uniqueName())
      await store.start(tokens('at-1'))
      expect(await store.end()).toMatchObject({ accessToken: 'at-1' })
      expect(await store.current()).toEqual({ generation: 2, tokens: null })
      expect(await store.reload()).toEqual({ generation: 2, tokens: null })
      await store.close()
    })

    it('answers null and changes nothing when there is no session', async () => {
      const store = new TokenStore(uniqueName())
      expect(await store.end()).toBeNull()
      expect(await store.reload()).toEqual(NO_SESSION)

      await store.start(tokens('at-1'))
      await store.end()
      expect(await store.end()).toBeNull()
      expect(await store.reload()).toEqual({ generation: 2, tokens: null })
      await store.close()
    })
  })

  it('keeps the generation growing across logins and logouts', async () => {
    const store = new TokenStore(uniqueName())
    const generations: number[] = []
    for (let login = 1; login <= 3; login += 1) {
      generations.push((await store.start(tokens(`at-${login}`))).generation)
      generations.push(
        (await store.compareAndSwap(generations.at(-1) ?? -1, tokens(`at-${login}-refreshed`))).record.generation,
      )
      await store.end()
      generations.push((await store.reload()).generation)
    }
    expect(generations).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    await store.close()
  })

  it("lets a second worker's store see the first one's writes after reload()", async () => {
    const name = uniqueName()
    const oldWorker = new TokenStore(name)
    const newWorker = new TokenStore(name)
    expect(await newWorker.current()).toEqual(NO_SESSION)

    await oldWorker.start(tokens('at-1'))
    expect(await newWorker.reload()).toEqual({ generation: 1, tokens: tokens('at-1') })

    await oldWorker.compareAndSwap(1, tokens('at-2'))
    expect(await newWorker.reload()).toEqual({ generation: 2, tokens: tokens('at-2') })

    await newWorker.end()
    expect(await oldWorker.reload()).toEqual({ generation: 3, tokens: null })
    await oldWorker.close()
    await newWorker.close()
  })

  it('bases its own writes on the stored record, not on its stale in-memory copy', async () => {
    const { a, b } = await twoWorkersWithASession()
    await b.current()
    await a.compareAndSwap(1, tokens('at-2'))

    // `b` last saw generation 1, but the database is at 2: its swap must fail.
    expect((await b.compareAndSwap(1, tokens('at-b'))).written).toBe(false)
    expect((await b.start(tokens('at-login'))).generation).toBe(3)
    await a.close()
    await b.close()
  })

  it('reopens its database after close()', async () => {
    const store = new TokenStore(uniqueName())
    await store.start(tokens('at-1'))
    await store.close()
    expect(await store.current()).toEqual({ generation: 1, tokens: tokens('at-1') })
    await store.close()
  })
})

describe('TokenStore when another connection upgrades the database', () => {
  const openAt = (name: string, version: number) =>
    new Promise<void>((resolve, reject) => {
      const request = indexedDB.open(name, version)
      request.onsuccess = () => (request.result.close(), resolve())
      request.onerror = () => reject(request.error ?? new Error('open failed'))
    })
  const deleteDatabase = (name: string) =>
    new Promise<void>((resolve) => {
      indexedDB.deleteDatabase(name).onsuccess = () => resolve()
    })

  it('gives way to the upgrade, then fails with a clear error instead of using a closed connection', async () => {
    const name = uniqueName()
    const store = new TokenStore(name)
    await store.start(tokens('at-1'))

    await openAt(name, 99)

    await expect(store.reload()).rejects.toMatchObject({
      code: 'ERR_STORAGE_FAILED',
      message: expect.stringMatching(/^\[sw-token-proxy\] Failed to open the token database: VersionError/) as unknown,
    })
  })

  it('reopens on the next operation once the database is usable again', async () => {
    const name = uniqueName()
    const store = new TokenStore(name)
    await store.start(tokens('at-1'))
    await openAt(name, 99)
    await expect(store.reload()).rejects.toMatchObject({ code: 'ERR_STORAGE_FAILED' })

    await deleteDatabase(name)

    expect((await store.start(tokens('at-2'))).tokens?.accessToken).toBe('at-2')
    expect((await new TokenStore(name).reload()).tokens?.accessToken).toBe('at-2')
  })
})

describe('TokenStore pending sign-ins', () => {
  const pending = (createdAt: number) => ({ codeVerifier: 'verifier', nonce: 'nonce', returnTo: '/inbox', createdAt })

  it('answers a pending sign-in once: a callback cannot be redeemed twice', async () => {
    const store = new TokenStore(uniqueName())
    await pendingSignInsIn(store).save('state-1', pending(1_000))

    expect(await pendingSignInsIn(store).take('state-1', 2_000)).toEqual(pending(1_000))
    expect(await pendingSignInsIn(store).take('state-1', 2_000)).toBeUndefined()
    expect(await pendingSignInsIn(store).take('unknown', 2_000)).toBeUndefined()
  })

  it('survives a new worker: another instance on the same database finds it', async () => {
    const name = uniqueName()
    await pendingSignInsIn(new TokenStore(name)).save('state-2', pending(1_000))

    expect(await pendingSignInsIn(new TokenStore(name)).take('state-2', 2_000)).toEqual(pending(1_000))
  })

  it('forgets a sign-in older than 15 minutes', async () => {
    const store = new TokenStore(uniqueName())
    await pendingSignInsIn(store).save('old', pending(0))

    expect(await pendingSignInsIn(store).take('old', 15 * 60_000 + 1)).toBeUndefined()
  })

  it('prunes abandoned sign-ins when a new one starts', async () => {
    const store = new TokenStore(uniqueName())
    await pendingSignInsIn(store).save('abandoned', pending(0))
    await pendingSignInsIn(store).save('fresh', pending(16 * 60_000))

    expect(await pendingSignInsIn(store).take('abandoned', 0)).toBeUndefined()
    expect(await pendingSignInsIn(store).take('fresh', 16 * 60_000)).toBeDefined()
  })
})
