import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from 'react'
import type { TokenProxyClient, TokenProxyEventName, TokenProxyEvents } from '../client/index.js'
import { useRegistered } from './context.js'
import { LOADING_SESSION, type Session } from './sessionStore.js'

/**
 * The client `<TokenProxyProvider>` registered, the same object for the provider's whole life:
 * `signIn()` and `logout()` for the buttons, `stayActive()` for "Stay signed in",
 * `completeSignIn()` on the OpenID Connect callback route, `status()`…
 *
 * @example
 * ```tsx
 * function LogoutButton() {
 *   const proxy = useTokenProxy()
 *   return <button onClick={() => void proxy.logout()}>Log out</button>
 * }
 * ```
 */
export function useTokenProxy(): TokenProxyClient {
  return useRegistered('useTokenProxy()').client
}

/**
 * The session as the worker tells it (`status()`), kept current by every tab's session events:
 * a login, a renewal, a logout or an expiry in any tab re-renders the component with the new
 * {@link Session}, without a reload. Never a token.
 *
 * @example
 * ```tsx
 * function Greeting() {
 *   const { loading, authenticated, claims, expiresAt } = useSession()
 *   if (loading) return null
 *   if (!authenticated) return <LoginForm />
 *   return <p>Hello {String(claims?.['sub'])}, until {new Date(expiresAt ?? 0).toLocaleTimeString()}</p>
 * }
 * ```
 */
export function useSession(): Session {
  const { store } = useRegistered('useSession()')
  return useSyncExternalStore(store.subscribe, store.getSnapshot, () => LOADING_SESSION)
}

/**
 * Calls `handler` for each `event` this tab hears (a session event from any tab, or a worker
 * event of this page), while the component is mounted. The latest `handler` is called: it need
 * not be memoised.
 *
 * @example
 * ```tsx
 * useSessionEvent('session-expired', ({ reason }) => navigate(`/login?reason=${reason}`))
 * ```
 */
export function useSessionEvent<E extends TokenProxyEventName>(
  event: E,
  handler: (payload: TokenProxyEvents[E]) => void,
): void {
  const { client } = useRegistered('useSessionEvent()')
  const latest = useRef(handler)
  useLayoutEffect(() => {
    latest.current = handler
  })
  useEffect(() => client.on(event, (payload) => latest.current(payload)), [client, event])
}
