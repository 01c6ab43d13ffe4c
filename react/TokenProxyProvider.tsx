import { useEffect, useRef, useState, type ReactNode } from 'react'
import { registerTokenProxy, type RegisterTokenProxyOptions } from '../client/index.js'
import { TokenProxyContext, type Registered } from './context.js'
import { createSessionStore } from './sessionStore.js'

/** What `<TokenProxyProvider>` takes: the options of `registerTokenProxy()`, and what to render meanwhile. */
export interface TokenProxyProviderProps extends RegisterTokenProxyOptions {
  /** Rendered once the worker controls the page: the app, whose components use the hooks. */
  children?: ReactNode
  /** Rendered while the worker registers (and in a server render). Default: nothing. */
  fallback?: ReactNode
  /**
   * Rendered when the registration failed, or a function of the error that renders it. Where the
   * browser cannot keep a session at all the error is a `TokenProxyUnsupportedError`: show its
   * `userMessage`. Without it, the error is thrown to the nearest error boundary.
   */
  errorFallback?: ReactNode | ((error: Error) => ReactNode)
}

type Registration =
  { state: 'registering' } | { state: 'ready'; registered: Registered } | { state: 'failed'; error: Error }

/**
 * Registers the token-proxy worker (`registerTokenProxy()` with the props' options) once, when it
 * mounts, and renders `children` once the worker controls the page, so that their first `fetch`
 * already goes through it; `fallback` until then, `errorFallback` if it failed. In
 * `<StrictMode>` it still registers once. The options are read on the first mount only.
 *
 * Nothing runs before the effect: a server render (`renderToString`) renders `fallback` and never
 * touches `navigator`.
 *
 * @example
 * ```tsx
 * import { TokenProxyProvider } from 'sw-token-proxy/react'
 *
 * createRoot(document.getElementById('root')!).render(
 *   <TokenProxyProvider
 *     url="/sw.js"
 *     fallback={<p>Starting…</p>}
 *     errorFallback={(error) => <p role="alert">{error.message}</p>}
 *   >
 *     <App />
 *   </TokenProxyProvider>,
 * )
 * ```
 */
export function TokenProxyProvider({ children, fallback = null, errorFallback, ...options }: TokenProxyProviderProps) {
  const [registration, setRegistration] = useState<Registration>({ state: 'registering' })
  // Kept across StrictMode's second run of the effect: one registration per provider.
  const registering = useRef<Promise<Registered> | undefined>(undefined)
  const firstOptions = useRef(options)

  useEffect(() => {
    let mounted = true
    registering.current ??= registerTokenProxy(firstOptions.current).then((client) => ({
      client,
      store: createSessionStore(client),
    }))
    registering.current.then(
      (registered) => mounted && setRegistration({ state: 'ready', registered }),
      (error: unknown) =>
        mounted &&
        setRegistration({ state: 'failed', error: error instanceof Error ? error : new Error(String(error)) }),
    )
    return () => {
      mounted = false
    }
  }, [])

  if (registration.state === 'registering') return <>{fallback}</>
  if (registration.state === 'failed') {
    if (errorFallback === undefined) throw registration.error
    return <>{typeof errorFallback === 'function' ? errorFallback(registration.error) : errorFallback}</>
  }
  return <TokenProxyContext.Provider value={registration.registered}>{children}</TokenProxyContext.Provider>
}
