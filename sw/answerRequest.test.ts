import { describe, expect, it } from 'vitest'
import { MESSAGE_SOURCE, PROTOCOL_VERSION, type RequestMessage } from '../protocol/messages.js'
import { LIBRARY_VERSION } from '../protocol/version.js'
import { answerRequest } from './answerRequest.js'
import type { TokenProxy } from './createTokenProxy.js'

/** Only what answerRequest uses; a call to anything else fails the test. */
function fakeProxy(overrides: Partial<TokenProxy> = {}): TokenProxy {
  return new Proxy(overrides, {
    get: (target, name) =>
      target[name as keyof TokenProxy] ?? (() => Promise.reject(new Error(`unexpected call: ${String(name)}`))),
  }) as TokenProxy
}

const message = <T extends RequestMessage['type']>(type: T, payload: Extract<RequestMessage, { type: T }>['payload']) =>
  ({ source: MESSAGE_SOURCE, type, payload }) as RequestMessage

describe('answerRequest', () => {
  it('answers the handshake with the worker’s protocol and library versions', async () => {
    const reply = await answerRequest(
      fakeProxy(),
      message('HANDSHAKE', { protocolVersion: PROTOCOL_VERSION, clientVersion: LIBRARY_VERSION }),
      () => Promise.resolve(),
    )
    expect(reply).toEqual({ ok: true, payload: { protocolVersion: PROTOCOL_VERSION, workerVersion: LIBRARY_VERSION } })
  })

  it('claims the uncontrolled pages when a page asks, and only then', async () => {
    let claims = 0
    const claim = () => ((claims += 1), Promise.resolve())
    await answerRequest(
      fakeProxy({ status: () => Promise.resolve({ authenticated: false, expiresAt: null }) }),
      message('STATUS', {}),
      claim,
    )
    expect(claims).toBe(0)
    expect(await answerRequest(fakeProxy(), message('CLAIM', {}), claim)).toEqual({
      ok: true,
      payload: { claimed: true },
    })
    expect(claims).toBe(1)
  })

  it('answers an unexpected failure with a generic error, not the failure’s own message', async () => {
    const proxy = fakeProxy({ status: () => Promise.reject(new Error('secret detail from deep inside')) })
    const reply = await answerRequest(proxy, message('STATUS', {}), () => Promise.resolve())
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'ERR_WORKER_FAILED',
        message:
          '[sw-token-proxy] Failed to answer STATUS: the worker failed unexpectedly. Try again, and check the worker console.',
      },
    })
  })

  it('passes a step-up sign-in’s ACR values and max_age to the proxy, and refuses malformed ones before it', async () => {
    const calls: unknown[][] = []
    const proxy = fakeProxy({
      signIn: (...args: Parameters<TokenProxy['signIn']>) => (
        calls.push(args),
        Promise.resolve(`https://id.example/auth`)
      ),
    })

    const reply = await answerRequest(
      proxy,
      message('SIGN_IN', { returnTo: '/pay', acrValues: 'urn:example:strong', maxAge: 0 }),
      () => Promise.resolve(),
    )
    expect(reply).toEqual({ ok: true, payload: { url: 'https://id.example/auth' } })
    expect(calls).toEqual([['/pay', { acrValues: 'urn:example:strong', maxAge: 0 }]])

    // A page script can post anything: the worker checks what the client already checked.
    const refused = await answerRequest(
      proxy,
      { source: MESSAGE_SOURCE, type: 'SIGN_IN', payload: { maxAge: '0' } } as unknown as RequestMessage,
      () => Promise.resolve(),
    )
    expect(refused).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_OPTIONS' } })
    expect(calls).toHaveLength(1)
  })
})
