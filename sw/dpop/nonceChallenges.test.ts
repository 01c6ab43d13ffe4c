import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { generateDpopKey } from './DpopKey.js'
import { DpopSender } from './DpopSender.js'

/**
 * Which answers are a DPoP nonce challenge (RFC 9449 §8, §9), seen from the server: a challenge is
 * answered with exactly one more send carrying the nonce; anything else is sent once. And which
 * `DPoP-Nonce` values the sender takes up at all (visible ASCII only).
 */

const URL_ = 'https://api.example/resource'

/** A sender over a server that answers `first` to the first send and 200 afterwards. */
async function sendOnceAnswered(first: () => Response) {
  const proofs: Array<Record<string, unknown>> = []
  const sender = new DpopSender({
    fetch: (input, init) => {
      const request = new Request(input, init)
      proofs.push(decodeJwt(request.headers.get('DPoP')!))
      return Promise.resolve(proofs.length === 1 ? first() : new Response('ok'))
    },
    now: () => 1_700_000_000_000,
  })
  const key = await generateDpopKey()
  const response = await sender.send(() => new Request(URL_), key, 'at-1')
  return { sender, key, response, proofs }
}

const challenge401 = (wwwAuthenticate: string, nonce: string | null = 'n-1') =>
  new Response(null, {
    status: 401,
    headers: { 'WWW-Authenticate': wwwAuthenticate, ...(nonce !== null && { 'DPoP-Nonce': nonce }) },
  })

describe('a resource server’s 401', () => {
  it.each([
    ['after another challenge', 'Bearer realm="api", DPoP error="use_dpop_nonce"'],
    ['with a parameter before the error', 'DPoP algs="ES256", error="use_dpop_nonce"'],
    ['with spaces around "="', 'DPoP error = "use_dpop_nonce"'],
    ['with an unquoted error', 'DPoP error=use_dpop_nonce'],
  ])('naming use_dpop_nonce %s is answered once, with the nonce', async (_how, header) => {
    const { response, proofs } = await sendOnceAnswered(() => challenge401(header))

    expect(response.status).toBe(200)
    expect(proofs.map((proof) => proof['nonce'])).toEqual([undefined, 'n-1'])
  })

  it('is not a challenge without a DPoP-Nonce to use', async () => {
    const { response, proofs } = await sendOnceAnswered(() => challenge401('DPoP error="use_dpop_nonce"', null))

    expect(response.status).toBe(401)
    expect(proofs).toHaveLength(1)
  })
})

describe('a token endpoint’s answer', () => {
  const withNonce = (status: number, body: string) =>
    new Response(body, { status, headers: { 'DPoP-Nonce': 'n-1', 'Content-Type': 'application/json' } })

  it('a 400 naming use_dpop_nonce is answered once, with the nonce', async () => {
    const { response, proofs } = await sendOnceAnswered(() => withNonce(400, '{"error":"use_dpop_nonce"}'))

    expect(response.status).toBe(200)
    expect(proofs.map((proof) => proof['nonce'])).toEqual([undefined, 'n-1'])
  })

  it.each([
    ['a 400 naming another error', 400, '{"error":"invalid_grant"}'],
    ['a 400 that is not JSON', 400, 'use_dpop_nonce'],
    ['a 403 naming use_dpop_nonce', 403, '{"error":"use_dpop_nonce"}'],
  ])('%s is sent once, as it came', async (_what, status, body) => {
    const { response, proofs } = await sendOnceAnswered(() => withNonce(status, body))

    expect(response.status).toBe(status)
    expect(proofs).toHaveLength(1)
  })
})

describe('the nonces the sender takes up', () => {
  it.each(['has space', 'tab\there'])('a DPoP-Nonce that is not visible ASCII (%j) is not used', async (nonce) => {
    const { sender, key, proofs } = await sendOnceAnswered(
      () => new Response('ok', { headers: { 'DPoP-Nonce': nonce } }),
    )

    await sender.send(() => new Request(URL_), key, 'at-1')

    expect(proofs.map((proof) => proof['nonce'])).toEqual([undefined, undefined])
  })
})
