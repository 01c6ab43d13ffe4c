/**
 * `sw-token-proxy/vue`: the Vue 3 binding of `sw-token-proxy/client`. A plugin that registers the
 * worker once for the app (in the browser only, so server-side rendering works), and composables
 * that follow the session in every tab: {@link useSession} (who, until when),
 * {@link useSessionEvent} (react to an event), {@link useTokenProxy} (the client, sign-in, logout).
 * Nothing here ever sees a token. Vue is an optional peer dependency of the package.
 */
export { tokenProxyPlugin, type TokenProxyPluginOptions } from './tokenProxyPlugin.js'
export { useSession, type Session } from './useSession.js'
export { useSessionEvent } from './useSessionEvent.js'
export { useTokenProxy, type TokenProxy } from './useTokenProxy.js'
