import { computed, type ComputedRef } from 'vue'
import type { SessionExpiredReason, SessionExpiring } from '../protocol/messages.js'
import { useTokenProxyState } from './tokenProxyState.js'

/**
 * The session as every tab sees it, from {@link useSession}: read-only refs, read again from the
 * worker's `status()` after each session event of any tab (a login, a renewal, a logout, the
 * session clock's warnings). Epoch milliseconds on the worker's clock. Never a token. The same
 * fields, with the same meanings, as the React binding's `Session` (there plain values, here refs),
 * plus `error`.
 */
export interface Session {
  /**
   * `true` until the worker controls the page and the first `status()` is in (always, under SSR);
   * then `authenticated` is known.
   */
  loading: ComputedRef<boolean>
  /** `true` while there is a session; `false` while loading, under SSR, and once it ended. */
  authenticated: ComputedRef<boolean>
  /**
   * Decoded (never verified) claims of the ID token, else of a JWT access token; `undefined` for an
   * opaque token or without a session. For display only (`claims.value?.sub`), never for access decisions.
   */
  claims: ComputedRef<Readonly<Record<string, unknown>> | undefined>
  /** When the access token expires (it is renewed before, once for every tab); `null` when unknown or signed out. */
  expiresAt: ComputedRef<number | null>
  /** The session clock: when the session ends whatever its tabs do; `undefined` when it has no such deadline. */
  sessionEndsAt: ComputedRef<number | undefined>
  /** The session clock: when the idle timeout ends the session if no tab is active before. */
  idleEndsAt: ComputedRef<number | undefined>
  /** The session clock: when every tab hears `'session-expiring'`. */
  warnsAt: ComputedRef<number | undefined>
  /** The session clock's warning while it holds (`'session-expiring'`), until a tab is active or it ends. */
  expiring: ComputedRef<SessionExpiring | undefined>
  /**
   * How the last session of this app's lifetime ended, until a new one starts: `'logout'` (a
   * `'session-ended'`, from any tab) or the `'session-expired'` reason (`'invalid_grant'`,
   * `'idle'`…). `undefined` while a session runs or before one ended.
   */
  endedBy: ComputedRef<SessionExpiredReason | 'logout' | undefined>
  /**
   * Why registering failed (a `TokenProxyUnsupportedError` where the browser cannot keep a
   * session, a `TokenProxyError` otherwise), or the last failed `status()` or sign-in callback.
   */
  error: ComputedRef<Error | null>
}

/**
 * The signed-in user's session, kept up to date by every tab's events without a reload. Call it in
 * `setup()` of a component of an app with {@link tokenProxyPlugin}.
 *
 * @example
 * ```ts
 * import { defineComponent, h } from 'vue'
 * import { useSession } from 'sw-token-proxy/vue'
 *
 * export const Who = defineComponent(() => {
 *   const { authenticated, claims } = useSession()
 *   return () => h('p', authenticated.value ? `Signed in as ${String(claims.value?.['sub'])}` : 'Signed out')
 * })
 * ```
 */
export function useSession(): Session {
  const state = useTokenProxyState('useSession()')
  const status = state.status
  return {
    loading: computed(() => state.loading.value),
    authenticated: computed(() => status.value?.authenticated ?? false),
    claims: computed(() => status.value?.claims),
    expiresAt: computed(() => status.value?.expiresAt ?? null),
    sessionEndsAt: computed(() => status.value?.sessionEndsAt),
    idleEndsAt: computed(() => status.value?.idleEndsAt),
    warnsAt: computed(() => status.value?.warnsAt),
    expiring: computed(() => status.value?.expiring),
    endedBy: computed(() => state.endedBy.value),
    error: computed(() => state.error.value),
  }
}
