import { inject, type InjectionKey, type Ref, type ShallowRef } from 'vue'
import { formatMessage } from '../protocol/errors.js'
import type { SessionExpiredReason } from '../protocol/messages.js'
import type { TokenProxyClient, TokenProxyStatus } from '../client/index.js'

/**
 * How the session last ended in this app's lifetime: a logout (`'session-ended'`, in any tab) or
 * without one (`'session-expired'`, with the worker's `reason`). `null` again once a session starts.
 */
export type SessionEnd =
  | {
      /** Someone logged out, in this tab or another. */
      event: 'session-ended'
    }
  | {
      /** The session ended without a logout: send the user to log in. */
      event: 'session-expired'
      /** Why, as the `'session-expired'` event said (`'invalid_grant'`, `'idle'`…). */
      reason: SessionExpiredReason
    }

/**
 * One app's token proxy: its registration and the session as the last `status()` read it. One per
 * `app.use(tokenProxyPlugin())`, shared by every component; the composables only read it.
 */
export interface TokenProxyState {
  client: ShallowRef<TokenProxyClient | null>
  registering: Ref<boolean>
  error: ShallowRef<Error | null>
  status: ShallowRef<TokenProxyStatus | null>
  ended: ShallowRef<SessionEnd | null>
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
