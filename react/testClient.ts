// A fake TokenProxyClient for the binding's unit tests: no worker, no browser. The test sets what
// the "worker" answers to status() and emits the events it would broadcast.
import { vi, type Mock } from 'vitest'
import type { TokenProxyClient, TokenProxyEventName, TokenProxyEvents, TokenProxyStatus } from '../client/index.ts'

export interface FakeClient {
  client: TokenProxyClient
  /** The client's methods that the tests count calls of. */
  calls: {
    status: Mock<TokenProxyClient['status']>
    logout: Mock<TokenProxyClient['logout']>
    signIn: Mock<TokenProxyClient['signIn']>
  }
  /** What status() answers from now on. */
  answer(status: TokenProxyStatus): void
  /** Delivers an event to this tab's listeners, as the client does for a worker broadcast. */
  emit<E extends TokenProxyEventName>(event: E, payload: TokenProxyEvents[E]): void
  /** How many listeners are on `event` now. */
  listeners(event?: TokenProxyEventName): number
}

const SIGNED_OUT: TokenProxyStatus = { authenticated: false, expiresAt: null }

export function fakeClient(initial: TokenProxyStatus = SIGNED_OUT): FakeClient {
  let current = initial
  const listeners = new Map<TokenProxyEventName, Set<(payload: never) => void>>()
  const calls: FakeClient['calls'] = {
    status: vi.fn(() => Promise.resolve(current)),
    logout: vi.fn(() => Promise.resolve()),
    signIn: vi.fn(() => Promise.resolve()),
  }
  const client: TokenProxyClient = {
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => set.delete(listener)
    },
    status: calls.status,
    logout: calls.logout,
    stayActive: vi.fn(() => Promise.resolve()),
    reportActivity: vi.fn(() => () => {}),
    completeLogout: vi.fn(() => Promise.resolve({ endedAtProvider: false })),
    signIn: calls.signIn,
    completeSignIn: vi.fn(() => Promise.resolve({ returnTo: null })),
    diagnose: vi.fn(() => Promise.resolve([])),
    explain: vi.fn((url: string | URL) =>
      Promise.resolve({
        url: String(url),
        method: 'GET',
        mode: 'cors' as const,
        role: 'passed' as const,
        attachesToken: false,
      }),
    ),
    registration: {} as ServiceWorkerRegistration,
  }
  return {
    client,
    calls,
    answer: (status) => {
      current = status
    },
    emit: (event, payload) => {
      for (const listener of [...(listeners.get(event) ?? [])]) (listener as (payload: unknown) => void)(payload)
    },
    listeners: (event) =>
      event === undefined
        ? [...listeners.values()].reduce((sum, set) => sum + set.size, 0)
        : (listeners.get(event)?.size ?? 0),
  }
}
