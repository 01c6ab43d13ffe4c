import { describe, expect, it } from 'vitest'
import { isSerializedError } from './errors.js'
import { MESSAGE_SOURCE, isBroadcastMessage, isRequestMessage, isWorkerErrorMessage } from './messages.js'

describe('isWorkerErrorMessage', () => {
  const error = {
    code: 'ERR_INVALID_OPTIONS',
    message:
      '[sw-token-proxy] Failed to install the token proxy: "api" must list at least one URL prefix. Fix the options passed to installTokenProxy().',
  }

  it('accepts the worker’s start-up error, and it is no session broadcast', () => {
    const message = { source: MESSAGE_SOURCE, type: 'WORKER_ERROR', payload: { error } }
    expect(isWorkerErrorMessage(message)).toBe(true)
    expect(isBroadcastMessage(message)).toBe(false)
  })

  it('rejects messages of other sources and malformed errors', () => {
    expect(isWorkerErrorMessage({ source: 'other', type: 'WORKER_ERROR', payload: { error } })).toBe(false)
    expect(
      isWorkerErrorMessage({
        source: MESSAGE_SOURCE,
        type: 'WORKER_ERROR',
        payload: { error: { code: 'nope', message: 'x' } },
      }),
    ).toBe(false)
    expect(isWorkerErrorMessage({ source: MESSAGE_SOURCE, type: 'WORKER_ERROR', payload: null })).toBe(false)
  })
})

describe('isBroadcastMessage (what a page accepts as a session event)', () => {
  it('accepts each session event of this library', () => {
    for (const type of [
      'SESSION_STARTED',
      'SESSION_REFRESHED',
      'SESSION_EXPIRED',
      'SESSION_ENDED',
      'REFRESH_FAILED',
      'STEP_UP_REQUIRED',
    ]) {
      expect(isBroadcastMessage({ source: MESSAGE_SOURCE, type, payload: {} })).toBe(true)
    }
  })

  it('accepts STEP_UP_REQUIRED only with a well-formed requirement, which a page may pass to signIn()', () => {
    const stepUp = (payload: unknown) => ({ source: MESSAGE_SOURCE, type: 'STEP_UP_REQUIRED', payload })
    expect(isBroadcastMessage(stepUp({ acrValues: 'urn:example:strong', maxAge: 0 }))).toBe(true)
    expect(isBroadcastMessage(stepUp({ acrValues: 'a\nb' }))).toBe(false)
    expect(isBroadcastMessage(stepUp({ maxAge: '0' }))).toBe(false)
  })

  it.each<[string, unknown]>([
    ['another source', { source: 'msw', type: 'SESSION_ENDED', payload: {} }],
    ['an unknown type', { source: MESSAGE_SOURCE, type: 'SESSION_HIJACKED', payload: {} }],
    ['a request type', { source: MESSAGE_SOURCE, type: 'STATUS', payload: {} }],
    ['no payload', { source: MESSAGE_SOURCE, type: 'SESSION_ENDED' }],
    ['a null payload', { source: MESSAGE_SOURCE, type: 'SESSION_ENDED', payload: null }],
    ['a string', 'SESSION_ENDED'],
    ['null', null],
  ])('rejects %s', (_what, value) => {
    expect(isBroadcastMessage(value)).toBe(false)
  })
})

describe('isRequestMessage (what the worker accepts from a page)', () => {
  it('accepts each request type of the protocol', () => {
    for (const type of ['HANDSHAKE', 'CLAIM', 'STATUS', 'LOGOUT', 'SIGN_IN', 'COMPLETE_SIGN_IN']) {
      expect(isRequestMessage({ source: MESSAGE_SOURCE, type, payload: {} })).toBe(true)
    }
  })

  it.each<[string, unknown]>([
    ['another source', { source: 'evil', type: 'STATUS', payload: {} }],
    ['an unknown type asking for a token', { source: MESSAGE_SOURCE, type: 'GET_TOKEN', payload: {} }],
    ['a broadcast type', { source: MESSAGE_SOURCE, type: 'SESSION_STARTED', payload: {} }],
    ['a number type', { source: MESSAGE_SOURCE, type: 7, payload: {} }],
    ['undefined', undefined],
  ])('rejects %s', (_what, value) => {
    expect(isRequestMessage(value)).toBe(false)
  })
})

describe('isSerializedError', () => {
  it('accepts only { code: "ERR_…", message: string }', () => {
    expect(isSerializedError({ code: 'ERR_STORAGE_FAILED', message: 'x' })).toBe(true)
    expect(isSerializedError({ code: 'STORAGE_FAILED', message: 'x' })).toBe(false)
    expect(isSerializedError({ code: 'ERR_X' })).toBe(false)
    expect(isSerializedError('ERR_X')).toBe(false)
  })
})
