import 'fake-indexeddb/auto'
import { openDB } from 'idb'
import { describe, expect, it } from 'vitest'
import { TokenStore, type PendingSignIn, type SessionTokens } from './tokenStore.js'
import { pendingSignInsIn } from './oidc/pendingSignIns.js'

/**
 * What the store keeps of sign-ins in progress (15 minutes each, forgotten when a later sign-in
 * is saved after they expired), how a worker that closed its store sees another worker's writes,
 * and a database left by the first schema version (only a session, no sign-ins) opening intact.
 */

const TTL = 15 * 60_000
const newName = () => `token-store-pending-${crypto.randomUUID()}`
const signIn = (createdAt: number): PendingSignIn => ({ codeVerifier: 'v', nonce: 'n', returnTo: null, createdAt })

describe('sign-ins in progress', () => {
  it('a callback exactly 15 minutes after its sign-in is still answered; a moment later it is not', async () => {
    const store = new TokenStore(newName())
    await pendingSignInsIn(store).save('on-time', signIn(0))
    await pendingSignInsIn(store).save('late', signIn(0))

    expect(await pendingSignInsIn(store).take('on-time', TTL)).toEqual(signIn(0))
    expect(await pendingSignInsIn(store).take('late', TTL + 1)).toBeUndefined()
    await store.close()
  })

  it('saving a sign-in forgets those that had expired by then, and only those', async () => {
    const store = new TokenStore(newName())
    await pendingSignInsIn(store).save('expired', signIn(0))
    await pendingSignInsIn(store).save('at-the-limit', signIn(1_000))
    await pendingSignInsIn(store).save('recent', signIn(5_000))

    await pendingSignInsIn(store).save('new', signIn(1_000 + TTL))

    // Read as if the clock had not moved on (a device whose clock went back): only the save forgot.
    expect(await pendingSignInsIn(store).take('expired', 0)).toBeUndefined()
    expect(await pendingSignInsIn(store).take('at-the-limit', 1_000)).toEqual(signIn(1_000))
    expect(await pendingSignInsIn(store).take('recent', 5_000)).toEqual(signIn(5_000))
    await store.close()
  })
})

const TOKENS: SessionTokens = {
  loginId: 'login-1',
  issuedBy: 'refresh https://app.example/auth/refresh',
  accessToken: 'at-1',
  refreshToken: 'rt-1',
  idToken: undefined,
  expiresAt: null,
  receivedAt: 0,
}

describe('closing the store', () => {
  it('a store never opened closes without error', async () => {
    await expect(new TokenStore(newName()).close()).resolves.toBeUndefined()
  })

  it('after close, the next read sees what another worker wrote meanwhile', async () => {
    const name = newName()
    const mine = new TokenStore(name)
    const other = new TokenStore(name)
    expect((await mine.current()).tokens).toBeNull()
    await other.start(TOKENS)

    await mine.close()

    expect((await mine.current()).tokens).toEqual(TOKENS)
    await other.close()
    await mine.close()
  })
})

describe('a database of the first schema version', () => {
  it('opens with its session intact and gains the sign-in store', async () => {
    const name = newName()
    const v1 = await openDB(name, 1, { upgrade: (db) => void db.createObjectStore('session') })
    await v1.put('session', { generation: 3, tokens: TOKENS }, 'current')
    v1.close()

    const store = new TokenStore(name)

    expect(await store.reload()).toEqual({ generation: 3, tokens: TOKENS })
    await pendingSignInsIn(store).save('s', signIn(0))
    expect(await pendingSignInsIn(store).take('s', 0)).toEqual(signIn(0))
    await store.close()
  })
})
