// The session clock page (Policy 16, docs/behaviour.md): a countdown banner with "Stay signed in",
// shown in every tab from the worker's one clock, and the reason when the session ends. The e2e
// suite (e2e/session-clock.spec.ts) drives it.
import { registerTokenProxy, type SessionStatus } from '../../client/index.ts'

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!
const log = (text: string) => {
  const item = document.createElement('li')
  item.textContent = `${new Date().toLocaleTimeString()}  ${text}`
  $('#log').prepend(item)
}

const proxy = await registerTokenProxy({ url: '/sw-session.js' })
// The user's input in this tab counts as activity for every tab (throttled).
proxy.reportActivity({ throttleSeconds: 10 })
let status: SessionStatus = { authenticated: false, expiresAt: null }
let warningEndsAt: number | undefined

const secondsUntil = (at: number | undefined) =>
  at === undefined ? '–' : `${Math.max(0, Math.round((at - Date.now()) / 1000))} s`

function render(): void {
  $('#state').textContent = status.authenticated ? 'Signed in.' : ($('#state').dataset['ended'] ?? 'Signed out.')
  $('#idle-ends').textContent = status.authenticated ? secondsUntil(status.idleEndsAt) : '–'
  $('#session-ends').textContent = status.authenticated ? secondsUntil(status.sessionEndsAt) : '–'
  const banner = $('#session-banner')
  banner.hidden = warningEndsAt === undefined
  if (warningEndsAt !== undefined)
    $('#session-banner-text').textContent = `Your session ends in ${secondsUntil(warningEndsAt)}.`
}

async function refreshStatus(): Promise<void> {
  status = await proxy.status()
  // A tab opened during a warning learns it here.
  warningEndsAt = status.expiring?.endsAt
  render()
}

proxy.on('session-started', () => (delete $('#state').dataset['ended'], log('session started'), void refreshStatus()))
proxy.on('session-expiring', ({ secondsLeft, reason }) => {
  log(`session expiring in ${secondsLeft} s (${reason})`)
  void refreshStatus()
})
proxy.on('session-extended', () => {
  log('warning withdrawn: a tab was active')
  void refreshStatus()
})
proxy.on('session-expired', ({ reason }) => {
  log(`session expired (${reason})`)
  $('#state').dataset['ended'] = `Your session ended (${reason}). Please sign in again.`
  warningEndsAt = undefined
  void refreshStatus()
})
proxy.on('session-ended', () => (log('logged out'), (warningEndsAt = undefined), void refreshStatus()))

$('#stay').addEventListener('click', () => void proxy.stayActive().then(refreshStatus))
$('#logout').addEventListener('click', () => void proxy.logout())
$('#call-api').addEventListener(
  'click',
  () => void fetch('/api/me').then((response) => log(`GET /api/me → ${response.status}`)),
)
$<HTMLFormElement>('#login-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const form = new FormData(event.target as HTMLFormElement)
  void fetch('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
  }).then(refreshStatus)
})

// For the e2e suite: what a test asks this tab's client (never a token).
Object.assign(window, { tokenProxyDemo: { status: () => proxy.status(), stayActive: () => proxy.stayActive() } })
await refreshStatus()
setInterval(render, 500)
document.documentElement.dataset['proxy'] = 'ready'
