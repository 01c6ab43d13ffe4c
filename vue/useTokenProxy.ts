import { computed, type ComputedRef } from 'vue'
import type { LogoutOptions, SignInOptions, TokenProxyClient } from '../client/index.js'
import { useTokenProxyState } from './tokenProxyState.js'

/**
 * The app's token proxy, from {@link useTokenProxy}: the client once registered, and the actions
 * that wait for it, so a button can call them at any time.
 */
export interface TokenProxy {
  /** The `registerTokenProxy()` client once registered; `null` while loading, under SSR, or when it failed. */
  client: ComputedRef<TokenProxyClient | null>
  /** `true` until the worker controls the page and the first `status()` is in (always, under SSR). */
  loading: ComputedRef<boolean>
  /** Why registering failed (a `TokenProxyUnsupportedError`…), or the last failed `status()` or sign-in callback. */
  error: ComputedRef<Error | null>
  /**
   * OpenID Connect: sends the user to the provider (`client.signIn()`, auth0-vue's
   * `loginWithRedirect()`), once registered. `returnTo` is where the plugin goes after the callback;
   * for a step-up, pass the `'step-up-required'` event's `acrValues` and `maxAge`.
   */
  signIn(options?: SignInOptions): Promise<void>
  /**
   * Logs out in every tab (`client.logout()`), once registered; with `{ endSession: true }`, also
   * at the OpenID provider (RP-Initiated Logout). Rejects when registering failed.
   */
  logout(options?: LogoutOptions): Promise<void>
  /** The session clock: the user is here (`client.stayActive()`), for a "Stay signed in" button. */
  stayActive(): Promise<void>
}

/**
 * The client and the sign-in and logout actions, in `setup()` of a component of an app with
 * {@link tokenProxyPlugin}. The actions wait for the registration, and reject with its `error`
 * when it failed.
 *
 * @example
 * ```ts
 * import { defineComponent, h } from 'vue'
 * import { useSession, useTokenProxy } from 'sw-token-proxy/vue'
 *
 * export const Account = defineComponent(() => {
 *   const { authenticated } = useSession()
 *   const { signIn, logout } = useTokenProxy()
 *   return () =>
 *     authenticated.value
 *       ? h('button', { onClick: () => void logout() }, 'Log out')
 *       : h('button', { onClick: () => void signIn({ returnTo: location.pathname }) }, 'Sign in')
 * })
 * ```
 */
export function useTokenProxy(): TokenProxy {
  const state = useTokenProxyState('useTokenProxy()')
  return {
    client: computed(() => state.client.value),
    loading: computed(() => state.loading.value),
    error: computed(() => state.error.value),
    signIn: async (options) => (await state.ready).signIn(options),
    logout: async (options) => (await state.ready).logout(options),
    stayActive: async () => (await state.ready).stayActive(),
  }
}
