import { describe, expect, it } from 'vitest'
import { TokenProxyError } from '../protocol/errors.js'
import { TokenProxyUnsupportedError } from './TokenProxyUnsupportedError.js'

describe('TokenProxyUnsupportedError', () => {
  it('is a TokenProxyError with code ERR_UNSUPPORTED, the reason, and a sentence for the user', () => {
    const error = new TokenProxyUnsupportedError('no-indexeddb')

    expect(error).toBeInstanceOf(TokenProxyError)
    expect(error.code).toBe('ERR_UNSUPPORTED')
    expect(error.reason).toBe('no-indexeddb')
    expect(error.userMessage).toBe(
      "This browser can't keep you signed in here: it has site storage turned off (a private window or a policy can do that).",
    )
    expect(error.message).toBe(
      "[sw-token-proxy] Failed to register the token proxy: this browser has no IndexedDB on this page, where the worker keeps the session (a private window in some browsers, a policy). Show the user error.userMessage (error.reason is 'no-indexeddb'), and let the app work without a session here.",
    )
  })

  it('keeps the browser’s own words and the cause when the browser refused the registration', () => {
    const cause = new Error('The operation is insecure.')
    const error = new TokenProxyUnsupportedError('blocked', { detail: cause.message, cause })

    expect(error.message).toContain(
      'the browser refused to register the worker for this site (The operation is insecure.)',
    )
    expect(error.cause).toBe(cause)
    expect(error.toJSON()).toEqual({ code: 'ERR_UNSUPPORTED', message: error.message })
  })
})
