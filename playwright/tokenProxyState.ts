import type { Page } from '@playwright/test'
import { formatMessage } from '../protocol/errors.js'
import { MESSAGE_SOURCE, type SessionStatus } from '../protocol/messages.js'

export type { SessionExpiring, SessionClockReason } from '../protocol/messages.js'
export type { SessionStatus }

/**
 * Waits until the token proxy controls `page` and its worker answers a message, which is when the
 * app's next `fetch` is sure to go through it. Works whether or not the app uses the client.
 * Every engine.
 *
 * @param page - A page of the app, after `page.goto()`.
 * @param options - `timeout`: how long to wait, in milliseconds, for each step. Default 10 000.
 */
export async function waitForTokenProxy(page: Page, { timeout = 10_000 }: { timeout?: number } = {}): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout })
  await sessionStatus(page, { timeout })
}

/**
 * Asks the worker controlling `page` for the session's status, over the library's own protocol.
 * The worker reads the stored record afresh to answer. Every engine. Rejects when no worker
 * controls the page or it does not answer in time.
 *
 * @param page - A page the worker controls (see {@link waitForTokenProxy}).
 * @param options - `timeout`: how long to wait for the answer, in milliseconds. Default 10 000.
 */
export async function sessionStatus(
  page: Page,
  { timeout = 10_000 }: { timeout?: number } = {},
): Promise<SessionStatus> {
  return readStatusReply(await page.evaluate(askWorkerStatus, { timeout, source: MESSAGE_SOURCE }))
}

/**
 * The page half of `sessionStatus`, for any driver that runs a function in a page: posts `STATUS`
 * to the controlling worker on a `MessageChannel` and answers the worker's reply as it came.
 * Self-contained (it is sent to the page as source text, so it takes the protocol's
 * `MESSAGE_SOURCE` as an argument).
 */
export function askWorkerStatus({ timeout, source }: { timeout: number; source: string }): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    const controller = navigator.serviceWorker.controller
    if (!controller)
      return reject(
        new Error(
          '[sw-token-proxy] Failed to ask for the session status: the page has no service worker. Await waitForTokenProxy(page) first.',
        ),
      )
    const channel = new MessageChannel()
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `[sw-token-proxy] Failed to ask for the session status: the worker did not answer within ${timeout} ms. Check the worker's console.`,
          ),
        ),
      timeout,
    )
    channel.port1.onmessage = (event) => {
      clearTimeout(timer)
      resolve(event.data)
    }
    controller.postMessage({ source, type: 'STATUS', payload: {} }, [channel.port2])
  })
}

/** Checks the worker's reply to `STATUS` and answers the status it carries. */
export function readStatusReply(reply: unknown): SessionStatus {
  const answer = reply as { ok?: boolean; payload?: SessionStatus; error?: { message?: string } } | null
  if (answer?.ok !== true || !answer.payload) {
    throw new Error(
      answer?.error?.message ??
        formatMessage(
          'ask for the session status',
          'the worker answered in an unknown format',
          'Use the same sw-token-proxy version for the worker and the tests',
        ),
    )
  }
  return answer.payload
}
