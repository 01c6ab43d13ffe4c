// The demo app: everything here is what an application writes. Note what is missing: no token
// handling at all. Login, API calls and logout are plain fetch() calls; the worker does the rest.
import { registerTokenProxy, type SessionStatus } from '../../client/index.ts'
import { mountTimeline } from './timeline.ts'

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!

function log(text: string): void {
  const item = document.createElement('li')
  item.textContent = `${new Date().toLocaleTimeString()}  ${text}`
  $('#log').prepend(item)
}

const proxy = await registerTokenProxy({ url: '/sw.js' })
let status: SessionStatus = await proxy.status()

async function showStatus(): Promise<void> {
  status = await proxy.status()
  const state = $('#session-state')
  state.textContent = status.authenticated ? 'logged in' : 'logged out'
  state.className = status.authenticated ? 'ok' : ''
  $('#login-panel').hidden = status.authenticated
  const name = status.claims?.['sub']
  $('#session-user').textContent = typeof name === 'string' ? name : '–'
}

function tickExpiry(): void {
  const { authenticated, expiresAt } = status
  $('#session-expiry').textContent =
    !authenticated || expiresAt === null ? '–' : `${Math.max(0, Math.round((expiresAt - Date.now()) / 1000))} s`
}

proxy.on('session-started', () => {
  log('worker: session started (tokens kept in the worker)')
  void showStatus()
})
proxy.on('session-refreshed', () => {
  log('worker: access token refreshed')
  void showStatus()
})
proxy.on('refresh-failed', ({ reason }) => log(`worker: refresh failed (${reason}), session kept, will retry`))
// The session clock: this demo's server answers refresh_expires_in, so every tab hears when the
// session is about to end (the refresh token's lifetime, REFRESH_TTL), once, from the worker.
proxy.on('session-expiring', ({ secondsLeft, reason }) => {
  log(`worker: session ends in ${secondsLeft} s (${reason})`)
  $('#login-message').textContent =
    `Your session ends in ${secondsLeft} s: save your work. (Try /session.html for the idle timeout.)`
})
proxy.on('session-ended', () => {
  log('worker: logged out')
  void showStatus()
})
proxy.on('session-expired', ({ reason }) => {
  log(`worker: session expired (${reason})`)
  $('#session-state').className = 'expired'
  $('#login-message').textContent = 'Your session expired. Please log in again.'
  void showStatus().then(() => ($('#session-state').className = 'expired'))
})

$<HTMLFormElement>('#login-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const form = new FormData(event.target as HTMLFormElement)
  void (async () => {
    const response = await fetch('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
    })
    const body: unknown = await response.json()
    $('#login-response').textContent = JSON.stringify(body, null, 2)
    $('#login-message').textContent = response.ok ? '' : 'Wrong user name or password.'
    log(`POST /auth/login → ${response.status} (the page got the body without its tokens)`)
    await showStatus()
  })()
})

async function callApi(): Promise<void> {
  const response = await fetch('/api/me')
  log(`GET /api/me → ${response.status}${response.ok ? ' (token added by the worker)' : ''}`)
}

let autoCall: ReturnType<typeof setInterval> | undefined
$('#call-api').addEventListener('click', () => void callApi())
$<HTMLInputElement>('#auto-call').addEventListener('change', (event) => {
  clearInterval(autoCall)
  // Only while logged in: a logged-out app shows its login screen instead of calling the API.
  if ((event.target as HTMLInputElement).checked)
    autoCall = setInterval(() => void (status.authenticated && callApi()), 2000)
})
$('#logout').addEventListener('click', () => void proxy.logout())
$('#revoke').addEventListener('click', () => {
  void fetch('/api/session/revoke', { method: 'POST' }).then((response) =>
    log(`POST /api/session/revoke → ${response.status} (the server will refuse the next refresh)`),
  )
})

async function showStats(): Promise<void> {
  const stats = (await (await fetch('/demo/stats')).json()) as Record<string, number | string>
  const labels: Record<string, string> = {
    logins: 'logins',
    refreshes: 'refreshes',
    reuseDetections: 'reuse detections (forced logouts)',
    apiCalls: 'API calls',
    api401s: 'API 401s',
    accessTtlSeconds: 'access token lifetime (s)',
    refreshTtlSeconds: 'session lifetime from login (s)',
  }
  $('#stats').replaceChildren(
    ...Object.entries(labels).flatMap(([key, label]) => {
      const term = document.createElement('dt')
      term.textContent = label
      const value = document.createElement('dd')
      value.textContent = String(stats[key])
      value.id = `stat-${key}`
      return [term, value]
    }),
  )
}

await showStatus()
// The timeline follows the worker's decision log (proxy.on('decision')), with the session's
// deadlines from the last status read as markers.
mountTimeline($('#timeline'), proxy, () =>
  [
    { label: 'access token expires', at: status.expiresAt },
    { label: 'session ends', at: status.sessionEndsAt },
    { label: 'idle timeout', at: status.idleEndsAt },
  ].flatMap(({ label, at }) => (status.authenticated && typeof at === 'number' ? [{ label, at }] : [])),
)
setInterval(tickExpiry, 500)
setInterval(() => void showStats(), 1000)
void showStats()
// Auto-call is on by default so that three open tabs show the single refresh; `?auto=0` turns it off.
if (new URLSearchParams(location.search).get('auto') !== '0') $<HTMLInputElement>('#auto-call').click()
document.documentElement.dataset['proxy'] = 'ready'
log('page: controlled by the token proxy worker')
