// A fake TokenProxyClient for the bindings' unit tests (react/, vue/): no worker, no browser API.
// Not shipped: tsconfig.lib.json excludes it, Stryker does not mutate it.
import { vi } from 'vitest'
import type { TokenProxyClient, TokenProxyEventName, TokenProxyEvents, TokenProxyStatus } from './index.ts'

const SIGNED_OUT: TokenProxyStatus = { authenticated: false, expiresAt: null }

/**
 * A fake `registerTokenProxy()` client. The test sets what `status()` answers (`worker.status`),
 * delivers events as the worker's broadcasts would (`worker.broadcast()`), and sees who listens
 * (`worker.listeners()`). Every method of `client` is a `vi.fn()`, to count calls or answer
 * differently once.
 */
export function fakeClient(initial: TokenProxyStatus = SIGNED_OUT) {
  const listeners = new Map<TokenProxyEventName, Set<(payload: never) => void>>()
  const worker = {
    /** What `status()` answers from now on (a copy, as a message from the worker would be). */
    status: initial,
    /** Delivers an event to this tab's listeners, as the client does for a worker broadcast. */
    broadcast<E extends TokenProxyEventName>(event: E, payload: TokenProxyEvents[E]): void {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        ;(listener as (payload: TokenProxyEvents[E]) => void)(payload)
      }
    },
    /** How many listeners `event` has now; without an event, all the events' together. */
    listeners: (event?: TokenProxyEventName) =>
      event === undefined
        ? [...listeners.values()].reduce((sum, set) => sum + set.size, 0)
        : (listeners.get(event)?.size ?? 0),
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
    completeSignIn: vi.fn(() => Promise.resolve({ returnTo: null as string | null })),
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
  } satisfies TokenProxyClient
  return { client, worker }
}

export type FakeClient = ReturnType<typeof fakeClient>

/** A promise and its settlers, for a registration or an answer that comes when the test says. */
export function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}
