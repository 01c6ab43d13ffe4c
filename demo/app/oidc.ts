// Sign in with an OpenID Connect provider through the worker: `?issuer=…` names the provider.
import { registerTokenProxy } from '../../client/index.ts'

const $ = (selector: string) => document.querySelector<HTMLElement>(selector)!
// The provider (and, optionally, API prefixes on other origins) come from the first visit's query
// and are kept for the callback, which the provider opens without them.
const query = new URLSearchParams(location.search)
const issuer = query.get('issuer') ?? sessionStorage.getItem('oidc-issuer')
if (!issuer) throw new Error('Open this page as /oidc.html?issuer=<your provider>[&api=<API prefixes>]')
const api = query.get('api') ?? sessionStorage.getItem('oidc-api') ?? '/api/'
sessionStorage.setItem('oidc-issuer', issuer)
sessionStorage.setItem('oidc-api', api)

const proxy = await registerTokenProxy({ url: `/sw-oidc.js?${new URLSearchParams({ issuer, api }).toString()}` })

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
