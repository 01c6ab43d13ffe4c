import { ErrorCode, TokenProxyError, formatMessage } from '../protocol/errors.js'

/**
 * The checks every option goes through, core and plug-ins alike, so the same kind of value follows
 * the same rule and is refused with the same sentence (`ERR_INVALID_OPTIONS`).
 */

/** Refuses the options: the worker fails its install and the pages learn `why`. */
export function invalid(why: string): never {
  throw new TokenProxyError(
    ErrorCode.INVALID_OPTIONS,
    formatMessage('install the token proxy', why, 'Fix the options passed to installTokenProxy()'),
  )
}

/** An http(s) URL or a path, resolved against the worker's origin. */
export function endpoint(value: unknown, name: string, origin: string): URL {
  if (typeof value !== 'string' || value === '') invalid(`"${name}" must be a URL or a path, got ${typeof value}`)
  const url = new URL(value, origin)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') invalid(`"${name}" must be an http(s) URL`)
  return url
}

/** A size or a number of seconds: a finite number, 0 or more. */
export function nonNegative(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    invalid(`"${name}" must be a non-negative number`)
  return value
}

/** A timeout: a finite number of milliseconds above 0 (a request cannot be given no time at all). */
export function timeout(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    invalid(`"${name}" must be a positive number of milliseconds`)
  return value
}

/** The longest lifetime an option may set; longer is a mistake in the options, not a long session. */
const MAX_SECONDS = 366 * 24 * 60 * 60

/** A duration in whole seconds, from `min` up to a year and a day; `undefined` when not given. */
export function wholeSeconds(value: unknown, name: string, min: 0 | 1): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_SECONDS)
    invalid(`"${name}" must be a whole number of seconds from ${min} to ${MAX_SECONDS}`)
  return value
}
