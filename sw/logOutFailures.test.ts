import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { ErrorCode, TokenProxyError } from '../protocol/errors.js'
import { MESSAGE_SOURCE, type BroadcastType } from '../protocol/messages.js'
import { answerRequest } from './answerRequest.js'
import { TokenStore, type SessionTokens } from './tokenStore.js'
import { proxyOverFakes } from './testProxy.js'

const ORIGIN = 'https://app.example'

/** A store whose IndexedDB refuses to clear the session (full disk, a blocked upgrade…). */
class StoreThatCannotEnd extends TokenStore {
  refuseToEnd = false
  override async end(): Promise<SessionTokens | null> {
    if (!this.refuseToEnd) return super.end()
    throw new TokenProxyError(
      ErrorCode.STORAGE_FAILED,
      '[sw-token-proxy] Failed to save the session: QuotaExceededError.',
    )
  }
}

function setUp(answerLogout: (request: Request) => Promise<Response>, refreshTimeoutMs?: number) {
  const databaseName = `logout-test-${crypto.randomUUID()}`
  const store = new StoreThatCannotEnd(databaseName)
  const broadcasts: BroadcastType[] = []
  const logoutRequests: Request[] = []
  const { proxy, handle } = proxyOverFakes(
    {
      api: ['/api/'],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh', ...(refreshTimeoutMs !== undefined && { timeoutMs: refreshTimeoutMs }) },
      logout: '/auth/logout',
    },
    {
      origin: ORIGIN,
      fetch: (input, init) => {
        const request = new Request(input, init)
        if (!request.url.endsWith('/auth/logout'))
          return Promise.resolve(Response.json({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600 }))
        logoutRequests.push(request)
        return answerLogout(request)
      },
      store,
      broadcast: (type) => (broadcasts.push(type), Promise.resolve()),
    },
  )
  const logIn = async () => {
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
  }
  const askToLogOut = (waitUntil: (promise: Promise<unknown>) => void = () => undefined) =>
    answerRequest(proxy, { source: MESSAGE_SOURCE, type: 'LOGOUT', payload: {} }, () => Promise.resolve(), waitUntil)
  return { proxy, store, databaseName, broadcasts, logoutRequests, logIn, askToLogOut }
}

const never = () => new Promise<Response>(() => undefined)

describe('proxy.logout() when the session cannot be cleared', () => {
  it('answers the page ERR_STORAGE_FAILED, tells no tab the session ended, and keeps the session', async () => {
    const { store, databaseName, broadcasts, logoutRequests, logIn, askToLogOut } = setUp(() =>
      Promise.resolve(new Response(null, { status: 204 })),
    )
    await logIn()
    store.refuseToEnd = true

    const reply = await askToLogOut()

    expect(reply).toMatchObject({ ok: false, error: { code: 'ERR_STORAGE_FAILED' } })
    expect(broadcasts).toEqual(['SESSION_STARTED'])
    // Nothing was ended, so nothing went to the logout endpoint as if it had been.
    expect(logoutRequests).toEqual([])
    expect((await new TokenStore(databaseName).reload()).tokens?.accessToken).toBe('at-1')
  })
})

describe('proxy.logout() with a slow logout endpoint', () => {
  it('answers the page once the session is ended here, without waiting on the network', async () => {
    const { broadcasts, logoutRequests, logIn, askToLogOut } = setUp(never)
    await logIn()
    const kept: Array<Promise<unknown>> = []

    const reply = await askToLogOut((promise) => kept.push(promise))

    expect(reply).toEqual({ ok: true, payload: { loggedOut: true } })
    expect(broadcasts).toEqual(['SESSION_STARTED', 'SESSION_ENDED'])
    // The logout request is on its way, kept alive by the event rather than by the page's wait.
    expect(logoutRequests.map((request) => request.headers.get('Authorization'))).toEqual(['Bearer at-1'])
    expect(kept.length).toBeGreaterThan(0)
  })

  it('gives the logout request the same deadline as a refresh', async () => {
    const { logoutRequests, logIn, proxy } = setUp(never, 50)
    await logIn()

    await Promise.race([proxy.logout(), new Promise((resolve) => setTimeout(resolve, 20))])

    const [request] = logoutRequests
    await new Promise<void>((resolve) =>
      request!.signal.aborted ? resolve() : request!.signal.addEventListener('abort', () => resolve()),
    )
    expect(request!.signal.aborted).toBe(true)
  })
})
