// The minimal app with the DPoP worker (`/sw-dpop.js`): the page's code is the same as without
// DPoP. The e2e suite drives it (e2e/dpop.spec.ts); `npm start` serves it from an origin whose
// server requires DPoP (demo/server/startDemo.ts).
import { registerTokenProxy } from '../../client/index.ts'

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!
const state = $('#state')
const proxy = await registerTokenProxy({ url: '/sw-dpop.js' })
proxy.on('session-expired', ({ reason }) => {
  state.textContent = `Session expired (${reason}): please log in again.`
})
$('#logout').addEventListener('click', () => void proxy.logout())
$<HTMLFormElement>('#login-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const form = new FormData(event.currentTarget as HTMLFormElement)
  void fetch('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
  }).then(async (response) => {
    // The worker keeps the tokens; the page sees the rest of the answer, `token_type` included.
    const body = (await response.json()) as { token_type?: string; error_description?: string }
    $('#token-type').textContent = body.token_type ?? '–'
    state.textContent = response.ok ? 'Logged in.' : `Login refused: ${body.error_description ?? response.status}`
  })
})
$('#call-api').addEventListener('click', () => {
  void fetch('/api/me').then(async (response) => {
    // The demo server's own record of that request: its Authorization scheme and proof check.
    const call = (await (await fetch('/demo/last-api-call')).json()) as {
      authScheme: string | null
      dpop: string | null
    } | null
    const saw = call?.authScheme ? `Authorization: ${call.authScheme}, proof ${call.dpop ?? 'not checked'}` : 'no token'
    $('#api-saw').textContent = `GET /api/me → ${response.status}; ${saw}`
  })
})
state.textContent = 'Ready: plain fetch() calls to /api/ carry a DPoP-bound token and a proof.'
document.documentElement.dataset['proxy'] = 'ready'
