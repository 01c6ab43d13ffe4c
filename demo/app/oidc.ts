// Sign in with an OpenID Connect provider through the worker. Which provider, and which APIs get
// the token, is the worker's configuration (`/sw-oidc.js`), never this page's URL. The page's own
// markup may name another of the demo's OpenID workers (`/oidc-session.html`: `/sw-oidc-session.js`).
import { registerTokenProxy, type StepUpRequirement } from '../../client/index.ts'
import { mountTimeline } from './timeline.ts'

const $ = (selector: string) => document.querySelector<HTMLElement>(selector)!

const proxy = await registerTokenProxy({ url: document.documentElement.dataset['worker'] ?? '/sw-oidc.js' })
// The worker's decision log, drawn live (the same picture as the main page's).
const timeline = document.querySelector<HTMLElement>('#timeline')
if (timeline) mountTimeline(timeline, proxy)

async function showStatus(): Promise<void> {
  const status = await proxy.status()
  $('#session-state').textContent = status.authenticated ? 'signed in' : 'signed out'
  const subject = status.claims?.['sub']
  $('#session-user').textContent = typeof subject === 'string' ? `as ${subject}` : ''
  // How the user authenticated, when the provider says (the ID token's `acr`).
  const acr = status.claims?.['acr']
  $('#session-acr').textContent = typeof acr === 'string' ? `(acr ${acr})` : ''
}

const callback = new URLSearchParams(location.search)
if (callback.has('code') || callback.has('error')) {
  try {
    await proxy.completeSignIn()
  } catch (error) {
    $('#message').textContent = error instanceof Error ? error.message : String(error)
  }
} else if (callback.has('state')) {
  // Back from the provider's end-session page (RP-Initiated Logout): this page is the worker's
  // oidc.postLogoutRedirectUri.
  const { endedAtProvider } = await proxy.completeLogout()
  $('#message').textContent = endedAtProvider ? 'Signed out here and at the provider.' : 'Signed out.'
}

proxy.on('session-expired', ({ reason }) => {
  $('#message').textContent = `Your session expired (${reason}). Please sign in again.`
  void showStatus()
})
proxy.on('session-ended', () => void showStatus())
// RFC 9470 step-up: an API wants a stronger (or more recent) sign-in than this session's. The
// session goes on meanwhile; signing in again with what the API asked for replaces its tokens.
let stepUp: StepUpRequirement = {}
proxy.on('step-up-required', (requirement) => {
  stepUp = requirement
  const asked = [
    requirement.acrValues && `authentication ${requirement.acrValues}`,
    requirement.maxAge !== undefined && `a sign-in less than ${requirement.maxAge} s old`,
  ].filter(Boolean)
  $('#step-up-message').textContent =
    `An API asks for a stronger sign-in${asked.length ? ` (${asked.join(', ')})` : ''}.`
  $('#step-up').hidden = false
})
$('#step-up-sign-in').addEventListener('click', () => void proxy.signIn({ ...stepUp, returnTo: location.pathname }))
$('#sign-in').addEventListener('click', () => void proxy.signIn())
$('#logout').addEventListener('click', () => void proxy.logout())
$('#logout-everywhere').addEventListener('click', () => {
  proxy.logout({ endSession: true }).catch((error: unknown) => {
    $('#message').textContent = error instanceof Error ? error.message : String(error)
  })
})
// The API the worker gives the token to: the first of `/oidc-config.js`'s (the settings the server
// writes for the worker: the issuer and API prefixes, nothing secret), else `/api/`.
await new Promise<void>((resolve) => {
  const script = Object.assign(document.createElement('script'), { src: '/oidc-config.js' })
  script.onload = script.onerror = () => resolve()
  document.head.append(script)
})
const configured = (window as { demoOidcConfig?: { api?: Array<string | { prefix: string }> } }).demoOidcConfig
const firstApi = configured?.api?.[0]
const apiMe = `${(typeof firstApi === 'string' ? firstApi : firstApi?.prefix) ?? '/api/'}me`
$('#call-api').textContent = `GET ${apiMe}`
$('#call-api').addEventListener('click', () => {
  void fetch(apiMe).then(async (response) => {
    const body = (await response.json().catch(() => null)) as { sub?: unknown } | null
    const user = typeof body?.sub === 'string' ? ` (the API says you are ${body.sub})` : ''
    $('#message').textContent = `GET ${apiMe} → ${response.status}${user}`
  })
})
await showStatus()
document.documentElement.dataset['proxy'] = 'ready'
