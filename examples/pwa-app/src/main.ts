// The page: vite-plugin-pwa's own registration first (workbox-window, updateViaCache 'imports'),
// then the token proxy's, which keeps that registration's options and so never forces a second
// fetch of /sw.js, and which resolves offline with the worker that already controls the page.
import { registerSW } from 'virtual:pwa-register'
import { registerTokenProxy, type TokenProxyClient } from 'sw-token-proxy/client'

declare global {
  interface Window {
    tokenProxy?: TokenProxyClient
    sessionEvents: string[]
    /** For e2e/pwa.spec.ts: a second registration with options of its own. */
    registerTokenProxy: typeof registerTokenProxy
  }
}

const state = document.querySelector('#state')!
window.sessionEvents = []
window.registerTokenProxy = registerTokenProxy
registerSW({ immediate: true })
// The script registerSW() registers: the built /sw.js, or under `vite` (dev) the plugin's module
// worker (devOptions: { enabled: true, type: 'module' }). The same URL and type: one registration.
const worker = import.meta.env.DEV ? { url: '/dev-sw.js?dev-sw', type: 'module' as const } : { url: '/sw.js' }
registerTokenProxy(worker).then(
  (proxy) => {
    window.tokenProxy = proxy
    for (const name of ['session-started', 'session-ended'] as const)
      proxy.on(name, () => window.sessionEvents.push(name))
    state.textContent = 'Ready'
  },
  (error: unknown) => {
    state.textContent = `Failed: ${error instanceof Error ? error.message : String(error)}`
  },
)
