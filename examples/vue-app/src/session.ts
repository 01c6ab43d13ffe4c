// What App.vue shows and does, in plain TypeScript (type-checked by tsc; the .vue file is not).
import { TokenProxyUnsupportedError, type SessionExpiredReason } from 'sw-token-proxy/client'

/** Logs in with a plain fetch: the worker keeps the tokens and tells every tab (session-started). */
export async function logIn(username: string, password: string): Promise<string> {
  const response = await fetch('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  return response.ok ? '' : 'Wrong user name or password.'
}

/** An API call: the worker adds the token, and renews it first when it has expired. */
export async function callApi(): Promise<string> {
  const response = await fetch('/api/me')
  return `GET /api/me → ${response.status}`
}

/** The user's name from the session's claims (for display only). */
export function userName(claims: Readonly<Record<string, unknown>> | undefined): string {
  return typeof claims?.['sub'] === 'string' ? claims['sub'] : 'someone'
}

/** When the access token expires, as the user's clock shows it. */
export function formatExpiry(expiresAt: number | null): string {
  return expiresAt === null ? 'unknown' : new Date(expiresAt).toLocaleTimeString()
}

/** How the session ended (`useSession().endedBy`), in words. */
export function describeEnd(endedBy: SessionExpiredReason | 'logout' | undefined): string {
  if (endedBy === undefined) return ''
  return endedBy === 'logout' ? 'Logged out.' : `Your session expired (${endedBy}): please log in again.`
}

/** Why there is no proxy: the browser's reason (a private window…), or the registration's error. */
export function describeError(error: Error): string {
  return error instanceof TokenProxyUnsupportedError ? error.userMessage : error.message
}
