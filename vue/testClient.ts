import { vi } from 'vitest'
import type { TokenProxyClient, TokenProxyEventName, TokenProxyEvents, TokenProxyStatus } from '../client/index.js'

/**
 * A fake `registerTokenProxy()` client for the Vue binding's tests: no worker, no browser API. The
 * test sets what `status()` answers (`worker.status`) and delivers events as the worker's broadcasts
 * would (`worker.broadcast()`), and sees who listens (`worker.listeners()`).
 */
export function fakeClient() {
  const listeners = new Map<TokenProxyEventName, Set<(payload: never) => void>>()
  const worker = {
    status: { authenticated: false, expiresAt: null } as TokenProxyStatus,
    /** Delivers an event to this tab's listeners, as the client does for a worker broadcast. */
    broadcast<E extends TokenProxyEventName>(event: E, payload: TokenProxyEvents[E]): void {
      for (const listener of listeners.get(event) ?? []) (listener as (payload: TokenProxyEvents[E]) => void)(payload)
    },
    /** How many listeners `event` has now. */
    listeners: (event: TokenProxyEventName) => listeners.get(event)?.size ?? 0,
  }
  const client = {
    on: vi.fn((event: TokenProxyEventName, listener: (payload: never) => void) => {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      // A listener added twice is two subscriptions, as a component mounted twice would make.
      const own = (payload: never) => listener(payload)
      set.add(own)
      return () => void set.delete(own)
    }),
    status: vi.fn(() => Promise.resolve(structuredClone(worker.status))),
    logout: vi.fn(() => Promise.resolve()),
    stayActive: vi.fn(() => Promise.resolve()),
    reportActivity: vi.fn(() => () => undefined),
    completeLogout: vi.fn(() => Promise.resolve({ endedAtProvider: false })),
    signIn: vi.fn(() => Promise.resolve()),
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
    completeSignIn: vi.fn(() => Promise.resolve({ returnTo: null as string | null })),
    registration: {} as ServiceWorkerRegistration,
  } satisfies TokenProxyClient
  return { client, worker }
}

/** A promise and its settlers, for a registration that resolves when the test says. */
export function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}
