import { ErrorCode, TokenProxyError, formatMessage } from '../protocol/errors.js'
import { jwtLifetimeSeconds } from './expiry.js'

/** The tokens the worker keeps from a token endpoint or refresh response. */
export interface TokenSet {
  accessToken: string
  /** `undefined` when the response had none: the caller keeps the refresh token it had. */
  refreshToken: string | undefined
  idToken: string | undefined
  /**
   * Whole seconds the access token lives, counted from receipt: `expires_in`, else the JWT's
   * `exp − iat`; `undefined` when neither says.
   */
  lifetimeSeconds: number | undefined
  /**
   * Whole seconds the refresh token lives, counted from receipt (the session clock): the
   * response's `refresh_expires_in` (Keycloak) or `refresh_token_expires_in` (Azure AD B2C,
   * GitHub), else a JWT refresh token's `exp − iat`; `undefined` when none says, and for
   * Keycloak's `refresh_expires_in: 0` (an offline token, which has no lifetime of its own).
   */
  refreshLifetimeSeconds?: number | undefined
  /** `'DPoP'` for a DPoP-bound access token (accepted only when asked for); absent means bearer. */
  tokenType?: 'DPoP'
}

/** Fields removed from a token response before the page sees it. */
const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token'] as const

/** Longer than any real lifetime; a larger `expires_in` is a bug on the server, not a long session. */
export const MAX_EXPIRES_IN_SECONDS = 366 * 24 * 60 * 60
/** Where providers state the refresh token's lifetime, in the order they are read. */
const REFRESH_LIFETIME_FIELDS = ['refresh_expires_in', 'refresh_token_expires_in'] as const
const MAX_TOKEN_LENGTH = 16 * 1024
/** Visible ASCII only: anything else (CR, LF, space, NUL, non-ASCII) could split or corrupt a header. */
const TOKEN_CHARACTERS = /^[\x21-\x7E]+$/

function reject(why: string): never {
  throw new TokenProxyError(
    ErrorCode.INVALID_TOKEN_RESPONSE,
    formatMessage(
      'accept the token response',
      why,
      'The stored session was left as it was; fix the token endpoint to answer as RFC 6749 section 5.1 describes',
    ),
  )
}

function readToken(body: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const value = body[field]
  if (value === undefined || (value === null && !required)) {
    if (required) reject(`"${field}" is missing`)
    return undefined
  }
  if (typeof value !== 'string') reject(`"${field}" is a ${value === null ? 'null' : typeof value}, not a string`)
  if (value.length === 0) reject(`"${field}" is empty`)
  if (value.length > MAX_TOKEN_LENGTH) reject(`"${field}" is longer than ${MAX_TOKEN_LENGTH} characters`)
  // The message must never echo the token, so it names the field and the rule only.
  if (!TOKEN_CHARACTERS.test(value)) reject(`"${field}" contains characters not allowed in an HTTP header`)
  return value
}

/** A lifetime is whole seconds, at least 1 and at most a year and a day; anything else is a bug. */
function checkLifetime(value: number, source: string): number {
  if (!Number.isFinite(value)) reject(`${source} is not a number`)
  if (value < 1) reject(`${source} is less than 1 second`)
  if (!Number.isInteger(value)) reject(`${source} is not a whole number of seconds`)
  if (value > MAX_EXPIRES_IN_SECONDS) reject(`${source} is more than ${MAX_EXPIRES_IN_SECONDS} seconds`)
  return value
}

function readLifetime(body: Record<string, unknown>, accessToken: string): number | undefined {
  const raw = body['expires_in']
  if (raw === undefined || raw === null) {
    const fromJwt = jwtLifetimeSeconds(accessToken)
    return fromJwt === undefined ? undefined : checkLifetime(fromJwt, 'the access token\'s "exp" − "iat"')
  }
  // Some servers send the number as a string; accept digits only.
  const value = typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : raw
  if (typeof value !== 'number') reject('"expires_in" is not a number')
  return checkLifetime(value, '"expires_in"')
}

/** The refresh token's own lifetime, by the same rules as `expires_in`; see `TokenSet`. */
function readRefreshLifetime(body: Record<string, unknown>, refreshToken: string | undefined): number | undefined {
  for (const field of REFRESH_LIFETIME_FIELDS) {
    const raw = body[field]
    if (raw === undefined || raw === null) continue
    const value = typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : raw
    if (typeof value !== 'number') reject(`"${field}" is not a number`)
    // Keycloak answers 0 for an offline token: it has no lifetime of its own, which is not an error.
    if (value === 0) return undefined
    return checkLifetime(value, `"${field}"`)
  }
  // A refresh token is opaque to its client (RFC 6749 §1.5): one that happens to be a JWT is read
  // for its lifetime when its claims make sense, and never refuses the answer when they do not.
  const fromJwt = refreshToken === undefined ? undefined : jwtLifetimeSeconds(refreshToken)
  return fromJwt !== undefined && Number.isInteger(fromJwt) && fromJwt >= 1 && fromJwt <= MAX_EXPIRES_IN_SECONDS
    ? fromJwt
    : undefined
}

/**
 * Policy 7: accepts an RFC 6749 §5.1 response (`token_type` bearer, case-insensitive) or the plain
 * JSON style `{ access_token, refresh_token, expires_in }`, and rejects everything else with a
 * `TokenProxyError` whose message names the problem but never the token.
 */
export function parseTokenResponse(body: unknown, options: { acceptDpop?: boolean } = {}): TokenSet {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) reject('the body is not a JSON object')
  const record = body as Record<string, unknown>
  const tokenType = record['token_type']
  // DPoP (Policy 14, docs/behaviour.md): `token_type: DPoP` only where the worker sent a proof (`dpop: true`).
  const isDpop = options.acceptDpop === true && typeof tokenType === 'string' && tokenType.toLowerCase() === 'dpop'
  if (tokenType !== undefined && !isDpop && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) {
    reject(
      options.acceptDpop
        ? '"token_type" is neither "Bearer" nor "DPoP"'
        : '"token_type" is not "Bearer" (a "DPoP" token needs dpop: true in the worker options)',
    )
  }
  const accessToken = readToken(record, 'access_token', true) as string
  const refreshToken = readToken(record, 'refresh_token', false)
  const refreshLifetimeSeconds = readRefreshLifetime(record, refreshToken)
  return {
    accessToken,
    refreshToken,
    idToken: readToken(record, 'id_token', false),
    lifetimeSeconds: readLifetime(record, accessToken),
    ...(refreshLifetimeSeconds !== undefined && { refreshLifetimeSeconds }),
    ...(isDpop && { tokenType: 'DPoP' as const }),
  }
}

/** The token response as the page may see it: every token field removed, everything else kept. */
export function withoutTokenFields(body: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...body }
  for (const field of TOKEN_FIELDS) delete copy[field]
  return copy
}
