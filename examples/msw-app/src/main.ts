// The page: msw first, on the app's one worker (/sw.js, not /mockServiceWorker.js), then the token
// proxy's registration of the same script: one registration.
import { setupWorker } from 'msw/browser'
import { registerTokenProxy, type TokenProxyClient } from 'sw-token-proxy/client'
import { handlerSaw, handlers } from './handlers.ts'

declare global {
  interface Window {
    tokenProxy?: TokenProxyClient
    /** For e2e/msw.spec.ts: the Authorization values the msw handlers saw. */
    handlerSaw: Array<string | null>
    /** For e2e/msw.spec.ts: every request msw saw (mocked or not), its path and Authorization. */
    mswSaw: Array<{ path: string; authorization: string | null }>
  }
}

const state = document.querySelector('#state')!
window.handlerSaw = handlerSaw
window.mswSaw = []

async function start(): Promise<void> {
  const worker = setupWorker(...handlers)
  worker.events.on('request:start', ({ request }) => {
    window.mswSaw.push({ path: new URL(request.url).pathname, authorization: request.headers.get('Authorization') })
  })
  await worker.start({
    serviceWorker: { url: '/sw.js' },
    onUnhandledRequest: 'bypass',
    quiet: true,
  })
  window.tokenProxy = await registerTokenProxy({ url: '/sw.js' })
  state.textContent = 'Ready'
}

start().catch((error: unknown) => {
  state.textContent = `Failed: ${error instanceof Error ? error.message : String(error)}`
})
