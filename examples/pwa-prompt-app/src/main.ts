// The page of a prompt-to-update PWA: vite-plugin-pwa's registerSW() tells it a new version is
// waiting (onNeedRefresh), the user accepts, updateSW(true) activates it, and the page reloads.
// registerTokenProxy() registers the same /sw.js, keeping that registration's options.
import { registerSW } from 'virtual:pwa-register'
import { registerTokenProxy, type TokenProxyClient } from 'sw-token-proxy/client'

declare global {
  interface Window {
    tokenProxy?: TokenProxyClient
  }
}

const state = document.querySelector('#state')!
const prompt = document.querySelector<HTMLElement>('#update-prompt')!

const updateSW = registerSW({
  immediate: true,
  onNeedRefresh: () => (prompt.hidden = false),
})
document.querySelector('#update')!.addEventListener('click', () => {
  // updateSW() reloads only a page that was controlled when registerSW() registered (workbox-window
  // counts the change as an update there). A first visit's page, which registerTokenProxy() had the
  // worker claim, would otherwise go on running version 1's code under version 2's worker.
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true })
  void updateSW(true)
})
document.querySelector('#later')!.addEventListener('click', () => (prompt.hidden = true))

registerTokenProxy({ url: '/sw.js' }).then(
  (proxy) => {
    window.tokenProxy = proxy
    state.textContent = 'Ready'
  },
  (error: unknown) => {
    state.textContent = `Failed: ${error instanceof Error ? error.message : String(error)}`
  },
)
