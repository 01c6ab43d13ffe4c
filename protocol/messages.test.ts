import { describe, expect, it } from 'vitest'
import { MESSAGE_SOURCE, isBroadcastMessage, isWorkerErrorMessage } from './messages.js'

describe('isWorkerErrorMessage', () => {
  const error = { code: 'ERR_INVALID_OPTIONS', message: '[sw-token-proxy] Failed to install the token proxy: "api" must list at least one URL prefix. Fix the options passed to installTokenProxy().' }

  it('accepts the worker’s start-up error, and it is no session broadcast', () => {
    const message = { source: MESSAGE_SOURCE, type: 'WORKER_ERROR', payload: { error } }
    expect(isWorkerErrorMessage(message)).toBe(true)
    expect(isBroadcastMessage(message)).toBe(false)
  })

  it('rejects messages of other sources and malformed errors', () => {
    expect(isWorkerErrorMessage({ source: 'other', type: 'WORKER_ERROR', payload: { error } })).toBe(false)
    expect(isWorkerErrorMessage({ source: MESSAGE_SOURCE, type: 'WORKER_ERROR', payload: { error: { code: 'nope', message: 'x' } } })).toBe(false)
    expect(isWorkerErrorMessage({ source: MESSAGE_SOURCE, type: 'WORKER_ERROR', payload: null })).toBe(false)
  })
})
