import { describe, expect, it } from 'vitest'
import { failureByStatus, unanswered } from './refreshResult.js'

// A refresh that got no answer, or a passing failure: what its reason and retry say.

describe('a refresh that got no answer', () => {
  it('timed out only when its own signal says so; aborted or not, anything else is a network error', () => {
    expect(unanswered(AbortSignal.abort(new DOMException('late', 'TimeoutError')))).toMatchObject({
      reason: 'timeout',
    })
    expect(unanswered(AbortSignal.abort())).toMatchObject({ reason: 'network_error' })
    expect(unanswered(new AbortController().signal)).toMatchObject({ reason: 'network_error' })
  })
})

describe('Retry-After without the server’s Date', () => {
  it('is read in seconds, and an HTTP date is not read against the device’s clock', async () => {
    const seconds = await failureByStatus(new Response(null, { status: 503, headers: { 'Retry-After': '120' } }))
    expect(seconds).toMatchObject({ reason: 'http_503', retryAfterMs: 120_000 })

    const date = await failureByStatus(
      new Response(null, { status: 503, headers: { 'Retry-After': 'Wed, 21 Oct 2037 07:28:00 GMT' } }),
    )
    expect(date).toMatchObject({ reason: 'http_503', retryAfterMs: undefined })
  })
})
