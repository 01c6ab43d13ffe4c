import { ErrorCode, TokenProxyError, formatMessage } from './errors.js'

/**
 * RFC 9470 step-up: what an API asks for when it answers `401` with
 * `WWW-Authenticate: Bearer error="insufficient_user_authentication"`, and what a sign-in then asks
 * the OpenID provider for. The same shape on both sides, so a page can pass the
 * `'step-up-required'` event's detail straight to `proxy.signIn()`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 RFC 9470 §3, the challenge
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-4 RFC 9470 §4, the authorization request
 */
export interface StepUpRequirement {
  /**
   * The authentication context classes the API accepts, space-separated, in order of preference
   * (RFC 9470 `acr_values`, sent to the provider as OpenID Connect's `acr_values`).
   */
  acrValues?: string
  /**
   * How many seconds may have passed since the user last actively authenticated (RFC 9470
   * `max_age`, sent to the provider as OpenID Connect's `max_age`). `0`: authenticate again now.
   */
  maxAge?: number
}

/** What `proxy.signIn()` takes: where to land afterwards, and for a step-up what to ask for. */
export interface SignInOptions extends StepUpRequirement {
  /** Where `completeSignIn()` says to go once signed in: a path or URL of this app. */
  returnTo?: string
}

/** Longer than any real list of ACR values; the value ends up in a URL. */
const MAX_ACR_VALUES_LENGTH = 2048
/** One ACR value: visible ASCII without `"` and `\`, as OAuth parameter values (RFC 6749 NQCHAR). */
const ACR_VALUES = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/
/** A century: longer is a mistake, not a policy. */
const MAX_MAX_AGE_SECONDS = 100 * 366 * 24 * 60 * 60

/** ACR values as the protocol carries them: one or more values separated by single spaces. */
export function isAcrValues(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ACR_VALUES_LENGTH && ACR_VALUES.test(value)
}

/** `max_age` as the protocol carries it: whole seconds, 0 or more. */
export function isMaxAge(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_MAX_AGE_SECONDS
}

/** A well-formed requirement: each field absent or valid, and nothing else. */
export function isStepUpRequirement(value: unknown): value is StepUpRequirement {
  if (typeof value !== 'object' || value === null) return false
  const { acrValues, maxAge, ...rest } = value as Record<string, unknown>
  return (
    Object.keys(rest).length === 0 &&
    (acrValues === undefined || isAcrValues(acrValues)) &&
    (maxAge === undefined || isMaxAge(maxAge))
  )
}

/**
 * Checks what a page passed to `signIn()` (the client checks it before asking the worker, and the
 * worker again, since any script can post it a message). Answers the options without the fields
 * that were not given; throws `ERR_INVALID_OPTIONS` naming the field and the fix.
 */
export function checkSignInOptions(options: unknown): SignInOptions {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object') refuse('the options must be an object { returnTo?, acrValues?, maxAge? }')
  const { returnTo, acrValues, maxAge } = options as Record<string, unknown>
  if (returnTo !== undefined && typeof returnTo !== 'string') refuse('"returnTo" must be a string')
  if (acrValues !== undefined && !isAcrValues(acrValues))
    refuse(
      '"acrValues" must be one or more ACR values separated by single spaces (visible ASCII characters other than " and \\, at most 2048 in all)',
    )
  if (maxAge !== undefined && !isMaxAge(maxAge))
    refuse('"maxAge" must be a whole number of seconds, 0 or more (0 asks the user to authenticate again now)')
  return {
    ...(returnTo !== undefined && { returnTo }),
    ...(acrValues !== undefined && { acrValues }),
    ...(maxAge !== undefined && { maxAge }),
  }
}

function refuse(why: string): never {
  throw new TokenProxyError(
    ErrorCode.INVALID_OPTIONS,
    formatMessage(
      'start the sign-in',
      why,
      "Pass the 'step-up-required' event's acrValues and maxAge as they came, or values your provider supports",
    ),
  )
}
