import { createContext, useContext } from 'react'
import type { TokenProxyClient } from '../client/index.js'
import { formatMessage } from '../protocol/errors.js'
import type { SessionStore } from './sessionStore.js'

/** What a registered `<TokenProxyProvider>` gives the components below it. */
export interface Registered {
  client: TokenProxyClient
  store: SessionStore
}

/** Set by `<TokenProxyProvider>` once the worker is registered; it renders its children only then. */
export const TokenProxyContext = createContext<Registered | null>(null)

/** The provider's registration, or the error that says where the hook must be used. */
export function useRegistered(hook: string): Registered {
  const registered = useContext(TokenProxyContext)
  if (!registered)
    throw new Error(
      formatMessage(
        `use ${hook}`,
        'no <TokenProxyProvider> is above this component',
        'Render the component inside <TokenProxyProvider> (it renders its children once the worker is registered)',
      ),
    )
  return registered
}
