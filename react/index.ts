/**
 * `sw-token-proxy/react`: the React binding of `sw-token-proxy/client`. `<TokenProxyProvider>`
 * registers the worker once; `useSession()` re-renders with the session as every tab hears it;
 * `useSessionEvent()` listens for one event; `useTokenProxy()` answers the client (`signIn()`,
 * `logout()`…). React 18 or 19, an optional peer dependency. Nothing here ever sees a token.
 */
export { TokenProxyProvider, type TokenProxyProviderProps } from './TokenProxyProvider.js'
export { useSession, useSessionEvent, useTokenProxy } from './hooks.js'
export type { Session } from './sessionStore.js'
