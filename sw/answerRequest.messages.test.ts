import { describe, expect, it } from 'vitest'
import { MESSAGE_SOURCE, type RequestMessage } from '../protocol/messages.js'
import { answerRequest } from './answerRequest.js'
import type { EndSessionRequest, TokenProxy, WaitUntil } from './createTokenProxy.js'

/** Only what answerRequest uses; a call to anything else fails the test. */
function fakeProxy(overrides: Partial<TokenProxy> = {}): TokenProxy {
  return new Proxy(overrides, {
    get: (target, name) =>
      target[name as keyof TokenProxy] ?? (() => Promise.reject(new Error(`unexpected call: ${String(name)}`))),
  }) as TokenProxy
}

const message = (type: string, payload: unknown) => ({ source: MESSAGE_SOURCE, type, payload }) as RequestMessage
const noClaim = () => Promise.resolve()
const keepAlive: WaitUntil = () => undefined

describe('answerRequest: the session messages', () => {
  it('answers STATUS and STAY_ACTIVE with what the proxy says, keeping the event alive for their work', async () => {
    const given: unknown[] = []
    const proxy = fakeProxy({
      status: (waitUntil) => (
        given.push(['status', waitUntil]),
        Promise.resolve({ authenticated: false, expiresAt: null })
      ),
      stayActive: (waitUntil) => (
        given.push(['stayActive', waitUntil]),
        Promise.resolve({ authenticated: true, expiresAt: 5, idleEndsAt: 9 })
      ),
    })

    expect(await answerRequest(proxy, message('STATUS', {}), noClaim, keepAlive)).toEqual({
      ok: true,
      payload: { authenticated: false, expiresAt: null },
    })
    expect(await answerRequest(proxy, message('STAY_ACTIVE', {}), noClaim, keepAlive)).toEqual({
      ok: true,
      payload: { authenticated: true, expiresAt: 5, idleEndsAt: 9 },
    })
    expect(given).toEqual([
      ['status', keepAlive],
      ['stayActive', keepAlive],
    ])
  })

  it('answers COMPLETE_LOGOUT and COMPLETE_SIGN_IN with what the proxy says of their callback', async () => {
    const callbacks: string[] = []
    const proxy = fakeProxy({
      completeLogout: (url) => (callbacks.push(`logout ${url}`), Promise.resolve({ endedAtProvider: true })),
      completeSignIn: (url) => (callbacks.push(`sign-in ${url}`), Promise.resolve({ returnTo: '/pay' })),
    })

    expect(
      await answerRequest(
        proxy,
        message('COMPLETE_LOGOUT', { callbackUrl: 'https://app.example/bye?state=s' }),
        noClaim,
      ),
    ).toEqual({ ok: true, payload: { endedAtProvider: true } })
    expect(
      await answerRequest(
        proxy,
        message('COMPLETE_SIGN_IN', { callbackUrl: 'https://app.example/cb?code=c' }),
        noClaim,
      ),
    ).toEqual({ ok: true, payload: { returnTo: '/pay' } })
    expect(callbacks).toEqual(['logout https://app.example/bye?state=s', 'sign-in https://app.example/cb?code=c'])
  })
})

describe('answerRequest: LOGOUT', () => {
  /** What the proxy's logout() was given for a LOGOUT message with `payload`, and the reply. */
  async function logOutWith(payload: unknown) {
    const calls: Array<[WaitUntil | undefined, EndSessionRequest | undefined]> = []
    const proxy = fakeProxy({
      logout: (waitUntil, endSession) => (
        calls.push([waitUntil, endSession]),
        Promise.resolve(
          endSession ? { endSessionUrl: 'https://app.example/sw-token-proxy/end-session?state=s' } : undefined,
        )
      ),
    })
    const reply = await answerRequest(proxy, message('LOGOUT', payload), noClaim, keepAlive)
    expect(calls).toHaveLength(1)
    expect(calls[0]?.[0]).toBe(keepAlive)
    return { endSession: calls[0]?.[1], reply }
  }

  it('logs out here only, without endSession', async () => {
    const { endSession, reply } = await logOutWith({})
    expect(endSession).toBeUndefined()
    expect(reply).toEqual({ ok: true, payload: { loggedOut: true } })
  })

  it('passes endSession on with its way back, and answers the end-session page', async () => {
    const { endSession, reply } = await logOutWith({ endSession: { postLogoutRedirectUri: '/bye' } })
    expect(endSession).toEqual({ postLogoutRedirectUri: '/bye' })
    expect(reply).toEqual({
      ok: true,
      payload: { loggedOut: true, endSessionUrl: 'https://app.example/sw-token-proxy/end-session?state=s' },
    })
  })

  // Any script of the origin can post the message: what is not a way back is dropped, not passed on.
  it.each([
    ['{}', {}],
    ['true', true],
    ['null', null],
    ['a way back that is not a string', { postLogoutRedirectUri: 42 }],
  ])('still ends the provider’s session for endSession: %s, with no way back', async (_, given) => {
    const { endSession, reply } = await logOutWith({ endSession: given })
    expect(endSession).toStrictEqual({ postLogoutRedirectUri: undefined })
    expect(reply).toMatchObject({ ok: true, payload: { loggedOut: true } })
  })
})
