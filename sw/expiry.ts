import { decodeJwt } from 'jose'

/**
 * Policy 3: when an access token expires, on the worker's own clock. `expires_in` counts from
 * receipt; without it the JWT `exp` is used (decoded, never trusted for anything but timing);
 * without either the lifetime is unknown and only an API 401 triggers a refresh.
 */
export function computeExpiresAt(accessToken: string, expiresIn: number | undefined, receivedAt: number): number | null {
  if (expiresIn !== undefined) return receivedAt + expiresIn * 1000
  const exp = decodeClaims(accessToken)?.['exp']
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null
}

/** Decoded JWT claims, or `undefined` for an opaque token. For display and timing only. */
export function decodeClaims(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token)
  } catch {
    return undefined
  }
}

/**
 * True when a request arriving `now` should renew the token first. The window is
 * `refreshAheadSeconds`, capped at half the token's lifetime so that a short-lived token is not
 * renewed on every request.
 */
export function isDueForRefresh(
  token: { expiresAt: number | null; receivedAt: number },
  now: number,
  refreshAheadSeconds: number,
): boolean {
  if (token.expiresAt === null) return false
  const lifetime = token.expiresAt - token.receivedAt
  const window = Math.min(refreshAheadSeconds * 1000, Math.max(lifetime, 0) / 2)
  return token.expiresAt - now <= window
}
