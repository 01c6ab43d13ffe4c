// The React binding as an app that installed the package writes it: type-checked by the package
// test under Bundler and NodeNext with skipLibCheck off (the page itself is src/main.ts).
import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { TokenProxyUnsupportedError } from 'sw-token-proxy/client'
import { TokenProxyProvider, useSession, useSessionEvent, useTokenProxy, type Session } from 'sw-token-proxy/react'

function Status() {
  const session: Session = useSession()
  const proxy = useTokenProxy()
  const [lastExpiry, setLastExpiry] = useState<string>('none')
  useSessionEvent('session-expired', ({ reason }) => setLastExpiry(reason))
  if (session.loading) return <p>Reading the session…</p>
  return session.authenticated ? (
    <p>
      Signed in until {new Date(session.expiresAt ?? 0).toISOString()}{' '}
      <button onClick={() => void proxy.logout()}>Log out</button>
    </p>
  ) : (
    <p>
      Signed out (last expiry: {lastExpiry}){' '}
      <button onClick={() => void proxy.signIn({ returnTo: '/' })}>Sign in</button>
    </p>
  )
}

createRoot(document.getElementById('react-root')!).render(
  <StrictMode>
    <TokenProxyProvider
      url="/sw.js"
      fallback={<p>Starting…</p>}
      errorFallback={(error) => (error instanceof TokenProxyUnsupportedError ? error.userMessage : error.message)}
    >
      <Status />
    </TokenProxyProvider>
  </StrictMode>,
)
