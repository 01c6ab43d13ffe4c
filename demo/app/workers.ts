// The page for the other ways to build and register the worker, driven by the e2e suite:
// `?sw=/sw-module.js&type=module` registers the ES-module build, `?sw=/sw-workbox.js` an app's own
// Workbox worker with the proxy's routes added. It shows why registration failed, if it did.
import { registerTokenProxy } from '../../client/index.ts'

const params = new URLSearchParams(location.search)
const state = document.querySelector('#state')!
try {
  await registerTokenProxy({
    url: params.get('sw') ?? '/sw.js',
    type: params.get('type') === 'module' ? 'module' : 'classic',
    timeoutMs: 5_000,
  })
  state.textContent = 'Ready: plain fetch() calls to /api/ carry the token.'
  // Which worker controlled the page when registerTokenProxy() resolved (the e2e suite reads it).
  document.documentElement.dataset['controller'] = navigator.serviceWorker.controller?.scriptURL ?? ''
  document.documentElement.dataset['proxy'] = 'ready'
} catch (error) {
  state.textContent = error instanceof Error ? error.message : String(error)
  document.documentElement.dataset['proxy'] = 'failed'
}
