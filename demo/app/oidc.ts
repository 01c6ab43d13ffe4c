// Sign in with an OpenID Connect provider through the worker. Which provider, and which APIs get
// the token, is the worker's configuration (`/sw-oidc.js`), never this page's URL.
import { registerTokenProxy } from '../../client/index.ts'

const $ = (selector: string) => document.querySelector<HTMLElement>(selector)!

const proxy = await registerTokenProxy({ url: '/sw-oidc.js' })

async function showStatus(): Promise<void> {
  const status = await proxy.status()
  $('#session-state').textContent = status.authenticated ? 'signed in' : 'signed out'
  const subject = status.claims?.['sub']
  $('#session-user').textContent = typeof subject === 'string' ? `as ${subject}` : ''
}

const callback = new URLSearchParams(location.search)
if (callback.has('code') || callback.has('error')) {
  try {
    await proxy.completeSignIn()
  } catch (error) {
    $('#message').textContent = error instanceof Error ? error.message : String(error)
  }
}

proxy.on('session-expired', ({ reason }) => {
  $('#message').textContent = `Your session expired (${reason}). Please sign in again.`
  void showStatus()
})
proxy.on('session-ended', () => void showStatus())
$('#sign-in').addEventListener('click', () => void proxy.signIn())
$('#logout').addEventListener('click', () => void proxy.logout())
$('#call-api').addEventListener('click', () => {
  void fetch('/api/me').then((response) => ($('#message').textContent = `GET /api/me → ${response.status}`))
})
await showStatus()
document.documentElement.dataset['proxy'] = 'ready'
