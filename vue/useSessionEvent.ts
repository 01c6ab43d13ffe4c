import { onScopeDispose, watch } from 'vue'
import type { TokenProxyEventName, TokenProxyEvents } from '../client/index.js'
import { useTokenProxyState } from './tokenProxyState.js'

/**
 * Calls `handler` for each `event` this tab hears (`'session-expired'`, `'session-expiring'`,
 * `'step-up-required'`, `'worker-lost'`…, from this tab or another) while the calling component
 * (or effect scope) lives: it starts listening once the worker is registered, and stops when the
 * component unmounts. For what to do at an event (a toast, saving a draft); what to show is in
 * {@link useSession}.
 *
 * @example
 * ```ts
 * import { useSessionEvent } from 'sw-token-proxy/vue'
 *
 * useSessionEvent('session-expiring', ({ secondsLeft }) => console.warn(`Signing out in ${secondsLeft} s`))
 * ```
 */
export function useSessionEvent<E extends TokenProxyEventName>(
  event: E,
  handler: (payload: TokenProxyEvents[E]) => void,
): void {
  const state = useTokenProxyState('useSessionEvent()')
  let stopListening: (() => void) | undefined
  const stopWatching = watch(
    state.client,
    (client) => {
      stopListening?.()
      stopListening = client?.on(event, handler)
    },
    { immediate: true },
  )
  onScopeDispose(() => {
    stopWatching()
    stopListening?.()
  })
}
