import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { TokenProxyUnsupportedError } from 'sw-token-proxy/client'
import { TokenProxyProvider } from 'sw-token-proxy/react'
import { App } from './App.tsx'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <TokenProxyProvider
      url="/sw.js"
      fallback={<p id="state">Starting…</p>}
      errorFallback={(error) => (
        <p id="state" role="alert">
          {error instanceof TokenProxyUnsupportedError ? error.userMessage : error.message}
        </p>
      )}
    >
      <App />
    </TokenProxyProvider>
  </StrictMode>,
)
