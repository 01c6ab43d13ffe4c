import { ErrorCode, TokenProxyError, formatMessage, type SerializedError } from '../protocol/errors.js'

/**
 * Why this browser cannot run the proxy on this page:
 * - `'insecure-context'`: the page is not served over https (or from localhost), so it has no
 *   service workers;
 * - `'no-service-worker'`: the browser has service workers turned off (Firefox private windows
 *   before version 138, Safari Lockdown Mode, an enterprise policy, an old browser);
 * - `'no-indexeddb'`: the browser has IndexedDB turned off, and the worker keeps the session there;
 * - `'blocked'`: the browser refused to register the worker for this site (site data or cookies
 *   blocked for it, by the user or a policy).
 */
export type UnsupportedReason = 'insecure-context' | 'no-service-worker' | 'no-indexeddb' | 'blocked'

const EXPLANATIONS: Record<UnsupportedReason, { why: string; user: string }> = {
  'insecure-context': {
    why: 'the page is not in a secure context (https, or localhost in development), so it has no service workers',
    user: 'the page is not on a secure (https) connection',
  },
  'no-service-worker': {
    why: 'this browser has no service workers on this page (a private window in some browsers, Safari Lockdown Mode, a policy)',
    user: 'it has service workers turned off (a private window, Lockdown Mode or a policy can do that)',
  },
  'no-indexeddb': {
    why: 'this browser has no IndexedDB on this page, where the worker keeps the session (a private window in some browsers, a policy)',
    user: 'it has site storage turned off (a private window or a policy can do that)',
  },
  blocked: {
    why: 'the browser refused to register the worker for this site',
    user: 'it blocks site data for this site (a setting or a policy can do that)',
  },
}

/**
 * `registerTokenProxy()` rejects with this, at once, where the browser cannot keep a session:
 * render `userMessage` (or your own text for each `reason`) instead of a login that cannot work.
 * It is a `TokenProxyError` whose `code` is `'ERR_UNSUPPORTED'`.
 *
 * @example
 * ```ts
 * import { registerTokenProxy, TokenProxyUnsupportedError } from 'sw-token-proxy/client'
 *
 * try {
 *   const proxy = await registerTokenProxy()
 *   renderApp(proxy)
 * } catch (error) {
 *   if (!(error instanceof TokenProxyUnsupportedError)) throw error
 *   renderNotice(error.userMessage) // "This browser can't keep you signed in here: …"
 * }
 * ```
 */
export class TokenProxyUnsupportedError extends TokenProxyError {
  /** `'TokenProxyUnsupportedError'`. */
  override name = 'TokenProxyUnsupportedError'
  /** Always `'ERR_UNSUPPORTED'`. */
  declare readonly code: typeof ErrorCode.UNSUPPORTED
  /** What this browser lacks here: pick your own text per reason, or show `userMessage`. */
  override readonly reason: UnsupportedReason
  /** One sentence for the user, starting "This browser can't keep you signed in here". */
  readonly userMessage: string

  /** `detail` is the browser's own words, when it gave any. */
  constructor(reason: UnsupportedReason, options: { detail?: string; cause?: unknown } = {}) {
    const { why, user } = EXPLANATIONS[reason]
    super(
      ErrorCode.UNSUPPORTED,
      formatMessage(
        'register the token proxy',
        options.detail ? `${why} (${options.detail})` : why,
        `Show the user error.userMessage (error.reason is '${reason}'), and let the app work without a session here`,
      ),
      { cause: options.cause },
    )
    this.reason = reason
    this.userMessage = `This browser can't keep you signed in here: ${user}.`
  }

  /** As it always was: this error is made in the page and never crosses to the worker. */
  override toJSON(): SerializedError {
    return { code: this.code, message: this.message }
  }
}
