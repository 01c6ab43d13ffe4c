/**
 * Policy 3: when an access token expires, on the worker's own clock: its lifetime (whole seconds,
 * from `expires_in` or a JWT's `exp − iat`) counted from the moment the worker received it.
 * `null` when the lifetime is unknown: then only an API 401 triggers a refresh.
 *
 * Never `exp` read against the device clock: a device minutes behind the issuer would see every
 * token as expired (a refresh per request), one minutes ahead would keep sending dead tokens.
 */
export function computeExpiresAt(lifetimeSeconds: number | undefined, receivedAt: number): number | null {
  return lifetimeSeconds === undefined ? null : receivedAt + lifetimeSeconds * 1000
}

/**
 * A JWT's lifetime as its issuer stated it, `exp − iat`, both read on the issuer's clock, so the
 * difference is right whatever the device's clock says. `undefined` for an opaque token or a JWT
 * without both claims; a non-number claim answers `NaN`, for the caller to reject.
 */
export function jwtLifetimeSeconds(token: string): number | undefined {
  const claims = decodeClaims(token)
  if (claims?.['exp'] === undefined || claims['iat'] === undefined) return undefined
  const { exp, iat } = claims
  return typeof exp === 'number' && typeof iat === 'number' ? exp - iat : Number.NaN
}

/**
 * Decoded JWT claims, or `undefined` for an opaque token. For display and timing only: the
 * signature is not checked (the worker is not the token's audience), so a few lines do what a JOSE
 * library would, and the plain worker does not ship one. A compact JWS has three parts; its second
 * is base64url JSON, and a claims set is an object.
 */
export function decodeClaims(token: string): Record<string, unknown> | undefined {
  const [, payload, ...rest] = token.split('.')
  if (!payload || rest.length !== 1) return undefined
  try {
    const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
    const claims: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))))
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined
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
