import { ref, shallowRef, type App, type Plugin } from 'vue'
import {
  registerTokenProxy,
  type RegisterTokenProxyOptions,
  type SessionEventName,
  type TokenProxyClient,
} from '../client/index.js'
import { formatMessage } from '../protocol/errors.js'
import type { SessionExpiredReason } from '../protocol/messages.js'
import { TOKEN_PROXY_STATE, type TokenProxyState } from './tokenProxyState.js'

/** What {@link tokenProxyPlugin} takes: `registerTokenProxy()`'s options, and the sign-in callback's handling. */
export interface TokenProxyPluginOptions extends RegisterTokenProxyOptions {
  /**
   * OpenID Connect: what to do on the page the provider sends the browser back to (`?code=…&state=…`,
   * or `?error=…&state=…`). By default the plugin hands the callback to the worker
   * (`completeSignIn()`) before `loading` turns `false`, then goes to the `returnTo` given to
   * `signIn()` with the app's vue-router (`router.replace(returnTo)`) when there is one. A function
   * is called with that `returnTo` instead of the router; `false` leaves the callback to the app
   * (call `useTokenProxy().client.value.completeSignIn()` yourself), as for a page whose own query
   * has `code` and `state`. A failed callback is `error` (`ERR_SIGN_IN_FAILED`, with its `reason`).
   */
  signInCallback?: false | ((returnTo: string | null) => void)
}

/**
 * The events after which the plugin reads `status()` again: the session started, renewed, ended or
 * its deadlines moved, in this tab or another. `'refresh-failed'` and `'step-up-required'` leave
 * the session as it was.
 */
const STATUS_EVENTS = [
  'session-started',
  'session-refreshed',
  'session-expired',
  'session-ended',
  'session-expiring',
  'session-extended',
] as const satisfies readonly SessionEventName[]

/**
 * The Vue plugin: registers the token-proxy worker once for the app (in the browser only: under
 * SSR it registers nothing and the app renders "loading, signed out"), follows the session in
 * every tab, and gives the composables ({@link useSession}, {@link useSessionEvent},
 * {@link useTokenProxy}) their state. On the OpenID Connect callback page it completes the
 * sign-in first (see {@link TokenProxyPluginOptions.signInCallback}).
 *
 * A browser that cannot keep a session ends loading with `error` a `TokenProxyUnsupportedError`:
 * render its `userMessage`.
 *
 * @example
 * ```ts
 * import { createApp } from 'vue'
 * import { tokenProxyPlugin } from 'sw-token-proxy/vue'
 * import App from './App.vue'
 *
 * createApp(App).use(tokenProxyPlugin({ url: '/sw.js' })).mount('#app')
 * ```
 */
export function tokenProxyPlugin(options: TokenProxyPluginOptions = {}): Plugin {
  return {
    install(app: App) {
      const { signInCallback, ...registerOptions } = options
      const session: Omit<TokenProxyState, 'ready'> = {
        client: shallowRef(null),
        loading: ref(true),
        error: shallowRef(null),
        status: shallowRef(null),
        endedBy: shallowRef(undefined),
      }
      // Server-side rendering has no page to register a worker for: the app stays "loading",
      // and the actions reject rather than wait for ever.
      const ready =
        typeof window === 'undefined'
          ? Promise.reject(withoutPage())
          : start(app, session, registerOptions, signInCallback)
      // Whoever awaits `ready` sees its error; `error` holds it for the rest.
      ready.catch(() => undefined)
      app.provide(TOKEN_PROXY_STATE, { ...session, ready })
    },
  }
}

function withoutPage(): Error {
  return new Error(
    formatMessage(
      'use the token proxy',
      'this runs without a page (server-side rendering), where no worker is registered',
      'Call signIn(), logout() and stayActive() in the browser: from an event handler or onMounted()',
    ),
  )
}

async function start(
  app: App,
  state: Omit<TokenProxyState, 'ready'>,
  options: RegisterTokenProxyOptions,
  signInCallback: TokenProxyPluginOptions['signInCallback'],
): Promise<TokenProxyClient> {
  try {
    const client = await registerTokenProxy(options)
    // Several events in a row (a refresh right after a sign-in) each read the status; only the
    // latest read is applied, whatever order the answers come back in.
    let reads = 0
    const readStatus = async () => {
      const read = ++reads
      try {
        const status = await client.status()
        if (read !== reads) return
        state.status.value = status
        // A session runs: how an earlier one ended no longer holds (as React's useSession() says).
        if (status.authenticated) state.endedBy.value = undefined
      } catch (error) {
        if (read === reads) state.error.value = asError(error)
      }
    }
    for (const name of STATUS_EVENTS) client.on(name, () => void readStatus())
    // What the event says is shown at once; the status read that follows fills in the rest.
    const end = (endedBy: SessionExpiredReason | 'logout') => {
      state.endedBy.value = endedBy
      state.status.value = { authenticated: false, expiresAt: null }
    }
    client.on('session-started', () => (state.endedBy.value = undefined))
    client.on('session-ended', () => end('logout'))
    client.on('session-expired', ({ reason }) => end(reason))
    if (signInCallback !== false && isSignInCallback()) await completeSignIn(app, state, client, signInCallback)
    await readStatus()
    state.client.value = client
    return client
  } catch (error) {
    state.error.value = asError(error)
    throw state.error.value
  } finally {
    state.loading.value = false
  }
}

/**
 * Hands the callback to the worker, then goes where `signIn()` said. A failed callback (a cancelled
 * sign-in, a reloaded callback page) is `error`, and leaves the proxy usable.
 */
async function completeSignIn(
  app: App,
  state: Omit<TokenProxyState, 'ready'>,
  client: TokenProxyClient,
  signInCallback: ((returnTo: string | null) => void) | undefined,
): Promise<void> {
  let returnTo: string | null
  try {
    ;({ returnTo } = await client.completeSignIn())
  } catch (error) {
    state.error.value = asError(error)
    return
  }
  if (signInCallback) signInCallback(returnTo)
  else if (returnTo !== null) void routerOf(app)?.replace(returnTo)
}

/** Whether this page is an OpenID Connect callback: the provider's `code` (or `error`) and `state`. */
function isSignInCallback(): boolean {
  const query = new URLSearchParams(location.search)
  return query.has('state') && (query.has('code') || query.has('error'))
}

/** The app's vue-router, when it has one (installed before or after this plugin). */
function routerOf(app: App): { replace(to: string): unknown } | undefined {
  return (app.config.globalProperties as { $router?: { replace(to: string): unknown } }).$router
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
