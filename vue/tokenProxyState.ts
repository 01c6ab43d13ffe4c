import { inject, type InjectionKey, type Ref, type ShallowRef } from 'vue'
import { formatMessage } from '../protocol/errors.js'
import type { SessionExpiredReason } from '../protocol/messages.js'
import type { TokenProxyClient, TokenProxyStatus } from '../client/index.js'

/**
 * One app's token proxy: its registration and the session as the last `status()` read it. One per
 * `app.use(tokenProxyPlugin())`, shared by every component; the composables only read it.
 */
export interface TokenProxyState {
  client: ShallowRef<TokenProxyClient | null>
  loading: Ref<boolean>
  error: ShallowRef<Error | null>
  status: ShallowRef<TokenProxyStatus | null>
  /** `'logout'` or the `'session-expired'` reason, until the next session starts. */
  endedBy: ShallowRef<SessionExpiredReason | 'logout' | undefined>
  /** Resolves with the client once registered (and the sign-in callback handled); rejects with `error`. */
  ready: Promise<TokenProxyClient>
}

export const TOKEN_PROXY_STATE: InjectionKey<TokenProxyState> = Symbol('sw-token-proxy')

/** The app's token proxy state; throws, with the fix, when the plugin is not installed. */
export function useTokenProxyState(composable: string): TokenProxyState {
  const state = inject(TOKEN_PROXY_STATE, null)
  if (state) return state
  throw new Error(
    formatMessage(
      `use ${composable}`,
      'the app has no token proxy: tokenProxyPlugin() is not installed, or this runs outside a component setup()',
      'Call app.use(tokenProxyPlugin({ url: "/sw.js" })) before app.mount(), and call the composable in setup()',
    ),
  )
}
