// The smallest app that uses the proxy: register once, then plain fetch. The e2e suite drives it.
import { registerTokenProxy, TokenProxyUnsupportedError } from '../../client/index.ts'

const state = document.querySelector('#state')!
try {
  // `?debug`: the decision log, printed in this page's console (e2e/decision-log.spec.ts reads it).
  const debug = new URLSearchParams(location.search).has('debug')
  const proxy = await registerTokenProxy({ url: '/sw.js', debug })
  if (debug) Object.assign(window, { tokenProxy: proxy })
  proxy.on('session-expired', ({ reason }) => {
    state.textContent = `Session expired (${reason}): please log in again.`
  })
  // A worker the page can trust: say so when another script takes the scope, or the worker goes.
  proxy.on('worker-replaced', ({ scriptURL }) => {
    state.textContent = `Another service worker (${scriptURL}) took over this app: reload to restore the proxy.`
  })
  proxy.on('worker-lost', ({ reason }) => {
    state.textContent = `The token proxy worker is gone (${reason}): reload to restore it.`
  })
  document.querySelector('#logout')!.addEventListener('click', () => void proxy.logout())
  state.textContent = 'Ready: plain fetch() calls to /api/ carry the token.'
  document.documentElement.dataset['proxy'] = 'ready'
} catch (error) {
  // No service worker or no IndexedDB here (a private window, Lockdown Mode, a policy): say so
  // rather than render nothing.
  if (!(error instanceof TokenProxyUnsupportedError)) throw error
  state.textContent = error.userMessage
  document.documentElement.dataset['proxy'] = 'unsupported'
}
