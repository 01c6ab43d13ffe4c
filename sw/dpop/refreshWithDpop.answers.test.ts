import { describe, expect, it } from 'vitest'
import { generateDpopKey } from './DpopKey.js'
import { DpopSender } from './DpopSender.js'
import type { RefreshEndpoint } from '../requestRefresh.js'

/**
 * The plain refresh grant with DPoP, from the server's answers (Policy 6): a refused grant ends
 * the session in the server's words; a nonce challenge still there after its one retry has not
 * refused the token, so it is a passing failure. And a login form sent as a proved copy keeps the
 * page's body and referrer.
 */

const ENDPOINT: RefreshEndpoint = {
  url: new URL('https://app.example/auth/refresh'),
  format: 'oauth2',
  clientId: 'spa',
  timeoutMs: 1000,
  responseLimitBytes: 65536,
}

function senderOver(answer: (request: Request) => Response) {
  const sent: Request[] = []
  const sender = new DpopSender({
    fetch: (input, init) => {
      const request = new Request(input, init)
      sent.push(request)
      return Promise.resolve(answer(request))
    },
    now: () => 1_700_000_000_000,
  })
  return { sender, sent }
}

const nonceChallenge = () =>
  Response.json({ error: 'use_dpop_nonce' }, { status: 400, headers: { 'DPoP-Nonce': `n-${crypto.randomUUID()}` } })

describe('a DPoP refresh', () => {
  it('refused by the server ends the session with the server’s reason', async () => {
    const { sender } = senderOver(() => Response.json({ error: 'invalid_grant' }, { status: 400 }))

    expect(await sender.refresh(ENDPOINT, 'rt-1', await generateDpopKey())).toEqual({
      kind: 'ended',
      reason: 'invalid_grant',
    })
  })

  it('still challenged after its one retry is a passing failure, the session kept', async () => {
    const { sender, sent } = senderOver(nonceChallenge)

    expect(await sender.refresh(ENDPOINT, 'rt-1', await generateDpopKey())).toEqual({
      kind: 'failed',
      reason: 'http_400',
      retryAfterMs: undefined,
    })
    expect(sent).toHaveLength(2)
  })
})

describe('a login form sent as a proved copy', () => {
  it('keeps the page’s body and referrer', async () => {
    const { sender, sent } = senderOver(() => new Response(null, { status: 204 }))
    const page = new Request('https://app.example/auth/login', {
      method: 'POST',
      body: 'user=ada',
      referrer: 'https://app.example/login-page',
    })

    await sender.sendCopyOf(page, await generateDpopKey())

    expect(sent).toHaveLength(1)
    expect(await sent[0]!.text()).toBe('user=ada')
    expect(sent[0]!.referrer).toBe('https://app.example/login-page')
    expect(sent[0]!.headers.has('DPoP')).toBe(true)
  })
})
