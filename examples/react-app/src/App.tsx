import { useState, type FormEvent } from 'react'
import { useSession, useSessionEvent, useTokenProxy } from 'sw-token-proxy/react'

const time = (epochMs: number) => new Date(epochMs).toLocaleTimeString()

export function App() {
  const session = useSession()
  const [renewals, setRenewals] = useState(0)
  useSessionEvent('session-refreshed', () => setRenewals((count) => count + 1))

  if (session.loading) return <p id="state">Reading the session…</p>
  return (
    <main>
      <p id="state">Ready</p>
      {session.authenticated ? (
        <>
          <p id="user">
            Signed in as {typeof session.claims?.['sub'] === 'string' ? session.claims['sub'] : 'someone'}
          </p>
          {session.expiresAt !== null && (
            <p id="expiry" data-expires-at={session.expiresAt}>
              Access token valid until {time(session.expiresAt)}
            </p>
          )}
          {session.sessionEndsAt !== undefined && <p>Session ends at {time(session.sessionEndsAt)}</p>}
          {session.expiring && (
            <p role="alert">
              Your session ends at {time(session.expiring.endsAt)} ({session.expiring.reason})
            </p>
          )}
          <p id="renewals">Renewals heard: {renewals}</p>
          <ApiCall />
          <LogoutButton />
        </>
      ) : (
        <>
          <p id="user">Signed out{session.endedBy ? ` (${session.endedBy})` : ''}</p>
          <LoginForm />
        </>
      )}
    </main>
  )
}

/** A plain fetch to the login endpoint: the worker keeps the tokens, the page gets none. */
function LoginForm() {
  const [error, setError] = useState<string>()
  const logIn = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const response = await fetch('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
    })
    setError(response.ok ? undefined : `The login failed (${response.status}).`)
  }
  return (
    <form onSubmit={(event) => void logIn(event)}>
      <label>
        User <input name="username" autoComplete="username" defaultValue="demo" />
      </label>
      <label>
        Password <input name="password" type="password" autoComplete="current-password" defaultValue="demo" />
      </label>
      <button type="submit">Log in</button>
      {error && <p role="alert">{error}</p>}
    </form>
  )
}

function ApiCall() {
  const [answer, setAnswer] = useState('–')
  const call = async () => {
    const response = await fetch('/api/me')
    setAnswer(`${response.status}`)
  }
  return (
    <p>
      <button type="button" onClick={() => void call()}>
        Call the API
      </button>{' '}
      Last answer: <output id="api">{answer}</output>
    </p>
  )
}

function LogoutButton() {
  const proxy = useTokenProxy()
  return (
    <button type="button" onClick={() => void proxy.logout()}>
      Log out
    </button>
  )
}
