import { afterEach, describe, expect, it, vi } from 'vitest'
import { askWorker, isOwnWorker, withTimeout } from './askWorker.js'

/** A worker stand-in that answers each message on the port it came with, as the real one does. */
function workerAnswering(reply: (message: unknown) => unknown) {
  const received: unknown[] = []
  return {
    received,
    postMessage(message: unknown, transfer: Transferable[]) {
      received.push(message)
      const port = transfer[0] as MessagePort
      const answer = reply(message)
      if (answer !== undefined) port.postMessage(answer)
      port.close()
    },
  } as unknown as Pick<ServiceWorker, 'postMessage'> & { received: unknown[] }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('askWorker', () => {
  it('sends one tagged message and answers the reply payload', async () => {
    const worker = workerAnswering(() => ({ ok: true, payload: { authenticated: false, expiresAt: null } }))

    expect(await askWorker(worker, 'STATUS', {}, 1_000)).toEqual({ authenticated: false, expiresAt: null })
    expect(worker.received).toEqual([{ source: 'sw-token-proxy', type: 'STATUS', payload: {} }])
  })

  it("rethrows the worker's own error with its code and message", async () => {
    const message = '[sw-token-proxy] Failed to read the session: IndexedDB is gone. Reload the page.'
    const worker = workerAnswering(() => ({ ok: false, error: { code: 'ERR_STORAGE_FAILED', message } }))

    await expect(askWorker(worker, 'STATUS', {}, 1_000)).rejects.toMatchObject({
      name: 'TokenProxyError',
      code: 'ERR_STORAGE_FAILED',
      message,
    })
  })

  it.each([
    ['a bare value', 42],
    ['an object without ok', { payload: {} }],
    ['an error that is not one of ours', { ok: false, error: { code: 'E_OTHER', message: 'x' } }],
  ])('answers ERR_PROTOCOL_MISMATCH for a reply in another format: %s', async (_what, reply) => {
    await expect(
      askWorker(
        workerAnswering(() => reply),
        'LOGOUT',
        {},
        1_000,
      ),
    ).rejects.toMatchObject({
      code: 'ERR_PROTOCOL_MISMATCH',
      message:
        '[sw-token-proxy] Failed to read the answer to LOGOUT: the worker answered in an unknown format. Deploy the page and the worker from the same sw-token-proxy version.',
    })
  })

  it('answers ERR_REPLY_TIMEOUT when the worker never answers', async () => {
    const silent = workerAnswering(() => undefined)

    await expect(askWorker(silent, 'HANDSHAKE', { protocolVersion: 1, clientVersion: 'x' }, 20)).rejects.toMatchObject({
      code: 'ERR_REPLY_TIMEOUT',
      message:
        "[sw-token-proxy] Failed to get an answer to HANDSHAKE: the service worker did not answer within 20 ms. Check the worker script for errors in the browser's service-worker console.",
    })
  })
})

describe('withTimeout', () => {
  it('answers the promise when it settles in time, and leaves no timer behind', async () => {
    vi.useFakeTimers()
    const answer = withTimeout(Promise.resolve('done'), 1_000, 'do it')
    await expect(answer).resolves.toBe('done')
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('isOwnWorker', () => {
  const worker = (scriptURL: string) => ({ scriptURL, postMessage: () => undefined }) as unknown as ServiceWorker

  it('accepts its own worker script, with or without a query string', () => {
    expect(isOwnWorker(worker('https://app.example/sw.js'), 'https://app.example/sw.js')).toBe(true)
    expect(isOwnWorker(worker('https://app.example/sw.js?v=2'), 'https://app.example/sw.js')).toBe(true)
  })

  it('ignores other workers of the origin, windows, ports and null', () => {
    expect(isOwnWorker(worker('https://app.example/other-sw.js'), 'https://app.example/sw.js')).toBe(false)
    expect(
      isOwnWorker({ postMessage: () => undefined } as unknown as MessageEventSource, 'https://app.example/sw.js'),
    ).toBe(false)
    expect(isOwnWorker(null, 'https://app.example/sw.js')).toBe(false)
  })
})
