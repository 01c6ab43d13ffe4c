// The page: vite-plugin-pwa's own registration, then the token proxy's (same /sw.js), and the
// OpenID Connect sign-in through the worker. The page only navigates: signIn() sends it to the
// provider, which sends it back here with a code that completeSignIn() hands to the worker.
import { registerSW } from 'virtual:pwa-register'
import { registerTokenProxy } from 'sw-token-proxy/client'

const $ = (selector: string) => document.querySelector<HTMLElement>(selector)!

registerSW({ immediate: true })
const proxy = await registerTokenProxy({ url: '/sw.js' })

async function showStatus(): Promise<void> {
  const { authenticated, claims } = await proxy.status()
  $('#session-state').textContent = authenticated ? 'signed in' : 'signed out'
  $('#session-user').textContent = typeof claims?.['sub'] === 'string' ? `as ${claims['sub']}` : ''
}

const callback = new URLSearchParams(location.search)
if (callback.has('code') || callback.has('error')) {
  try {
    await proxy.completeSignIn()
  } catch (error) {
    $('#message').textContent = error instanceof Error ? error.message : String(error)
  }
}

proxy.on('session-ended', () => void showStatus())
proxy.on('session-expired', ({ reason }) => {
  $('#message').textContent = `Your session expired (${reason}). Please sign in again.`
  void showStatus()
})
$('#sign-in').addEventListener('click', () => void proxy.signIn())
$('#logout').addEventListener('click', () => void proxy.logout())
$('#call-api').addEventListener('click', () => {
  void fetch('/api/me').then((response) => ($('#message').textContent = `GET /api/me → ${response.status}`))
})
await showStatus()
$('#state').textContent = 'Ready'
