/**
 * The latest `DPoP-Nonce` each server gave (RFC 9449 §8, §9), by origin, in memory: a worker that
 * restarts simply gets a new one with its next challenge. A nonce is not a secret and never a
 * token, but it is still never logged.
 */
export class DpopNonces {
  readonly #byOrigin = new Map<string, string>()

  /** The nonce to put in a proof for `url`, if its server gave one. */
  for(url: string): string | undefined {
    return this.#byOrigin.get(new URL(url).origin)
  }

  /** Keeps the `DPoP-Nonce` of any response (challenges and successes alike); answers it. */
  remember(url: string, response: Response): string | undefined {
    const nonce = response.headers.get('DPoP-Nonce')
    // A nonce is an opaque visible-ASCII string (RFC 9449 §8.1); anything else is ignored.
    if (nonce === null || !/^[\x21-\x7E]{1,512}$/.test(nonce)) return undefined
    this.#byOrigin.set(new URL(url).origin, nonce)
    return nonce
  }
}
