import { ErrorCode, TokenProxyError, formatMessage, isSerializedError } from '../protocol/errors.js'
import {
  MESSAGE_SOURCE,
  type Reply,
  type ReplyPayloads,
  type RequestMessage,
  type RequestPayloads,
  type RequestType,
} from '../protocol/messages.js'

/**
 * Asks the worker one question over a MessageChannel of its own and decodes its one reply: the
 * payload, the worker's own error (as a `TokenProxyError`), `ERR_PROTOCOL_MISMATCH` for an answer
 * in another format, or `ERR_REPLY_TIMEOUT` when no answer comes within `timeoutMs`.
 */
export async function askWorker<T extends RequestType>(
  worker: Pick<ServiceWorker, 'postMessage'>,
  type: T,
  payload: RequestPayloads[T],
  timeoutMs: number,
): Promise<ReplyPayloads[T]> {
  const message = { source: MESSAGE_SOURCE, type, payload } as RequestMessage
  const reply = (await withTimeout(post(worker, message), timeoutMs, `get an answer to ${type}`)) as
    Reply<T> | undefined
  if (reply?.ok === true) return reply.payload
  if (reply?.ok === false && isSerializedError(reply.error)) throw TokenProxyError.fromJSON(reply.error)
  throw new TokenProxyError(
    ErrorCode.PROTOCOL_MISMATCH,
    formatMessage(
      `read the answer to ${type}`,
      'the worker answered in an unknown format',
      'Deploy the page and the worker from the same sw-token-proxy version',
    ),
  )
}

function post(worker: Pick<ServiceWorker, 'postMessage'>, message: RequestMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = (event) => {
      channel.port1.close()
      resolve(event.data)
    }
    worker.postMessage(message, [channel.port2])
  })
}

/** `promise`, or `ERR_REPLY_TIMEOUT` naming `action` once `timeoutMs` have passed. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, action: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new TokenProxyError(
            ErrorCode.REPLY_TIMEOUT,
            formatMessage(
              action,
              `the service worker did not answer within ${timeoutMs} ms`,
              "Check the worker script for errors in the browser's service-worker console",
            ),
          ),
        ),
      timeoutMs,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Whether a message came from this page's own token-proxy worker, and not from another worker of
 * the origin, a window or a port. Compared without the query string, so `/sw.js?v=2` after an
 * update still counts as ours.
 */
export function isOwnWorker(source: MessageEventSource | null, scriptUrl: string): boolean {
  const worker = source as Partial<ServiceWorker> | null
  return (
    typeof worker?.scriptURL === 'string' &&
    typeof worker.postMessage === 'function' &&
    worker.scriptURL.split('?')[0] === scriptUrl.split('?')[0]
  )
}
