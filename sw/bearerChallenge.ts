import { isAcrValues, isMaxAge, type StepUpRequirement } from '../protocol/stepUp.js'
import { parseWwwAuthenticate } from './parseWwwAuthenticate.js'

/** What an API's `401` says about the token it refused, read from its `WWW-Authenticate`. */
export interface BearerChallenge {
  /**
   * The `error` of the `Bearer` (RFC 6750) or `DPoP` (RFC 9449) challenge, lower-cased:
   * `'invalid_token'`, `'insufficient_scope'`, `'insufficient_user_authentication'`…; `undefined`
   * when the API named none (or the header is missing, unreadable cross-origin, or malformed).
   */
  error: string | undefined
  /**
   * With `error="insufficient_user_authentication"` (RFC 9470 step-up): the `acr_values` and
   * `max_age` the API asked for, each left out when absent or malformed.
   */
  stepUp: StepUpRequirement | undefined
}

const STEP_UP_ERROR = 'insufficient_user_authentication'

/**
 * Reads the challenge of a `401`. Of the header's challenges, the first `Bearer` or `DPoP` one
 * that names an `error` decides (a header may carry both schemes, and other schemes such as
 * `Basic`, whose parameters say nothing about our token). Never throws.
 */
export function readBearerChallenge(response: Response): BearerChallenge {
  const challenge = parseWwwAuthenticate(response.headers.get('WWW-Authenticate')).find(
    ({ scheme, params }) => (scheme === 'bearer' || scheme === 'dpop') && params['error'] !== undefined,
  )
  const error = challenge?.params['error']?.toLowerCase()
  if (challenge === undefined || error !== STEP_UP_ERROR) return { error, stepUp: undefined }
  return { error, stepUp: stepUpRequirement(challenge.params['acr_values'], challenge.params['max_age']) }
}

/**
 * The requirement as the page will get it: ACR values with their spacing normalised, `max_age` as
 * a number. A malformed value is left out rather than passed on: the page hands these to
 * `signIn()`, which would refuse them, and they come from a server, not from the app.
 */
function stepUpRequirement(acrValues: string | undefined, maxAge: string | undefined): StepUpRequirement {
  const normalized = acrValues?.trim().split(/\s+/).join(' ')
  const seconds = maxAge !== undefined && /^\d{1,12}$/.test(maxAge) ? Number(maxAge) : undefined
  return {
    ...(isAcrValues(normalized) && { acrValues: normalized }),
    ...(isMaxAge(seconds) && { maxAge: seconds }),
  }
}
