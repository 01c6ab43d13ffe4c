import type { Browser } from '@playwright/test'

interface ProtocolReply {
  id: number
  result?: { usedSize?: number }
  error?: { message: string }
}

/**
 * The service worker's used JS heap, in bytes, after a full garbage collection, read through the
 * DevTools protocol. Playwright gives no session for a service worker, so this attaches from the
 * browser session and relays messages with `Target.sendMessageToTarget`.
 */
export async function measureWorkerHeap(browser: Browser, origin: string): Promise<number> {
  const session = await browser.newBrowserCDPSession()
  try {
    const { targetInfos } = await session.send('Target.getTargets')
    const target = targetInfos.find((info) => info.type === 'service_worker' && info.url.startsWith(origin))
    if (!target) throw new Error(`no running service worker for ${origin}`)
    const { sessionId } = await session.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })
    const waiting = new Map<number, (reply: ProtocolReply) => void>()
    session.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== sessionId) return
      const reply = JSON.parse(event.message) as ProtocolReply
      waiting.get(reply.id)?.(reply)
    })
    let nextId = 0
    const call = (method: string) =>
      new Promise<ProtocolReply>((resolve, reject) => {
        const id = ++nextId
        waiting.set(id, (reply) => (reply.error ? reject(new Error(reply.error.message)) : resolve(reply)))
        session
          .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) })
          .catch(reject)
      })
    await call('HeapProfiler.collectGarbage')
    const usage = await call('Runtime.getHeapUsage')
    await session.send('Target.detachFromTarget', { sessionId })
    return usage.result?.usedSize ?? Number.NaN
  } finally {
    await session.detach()
  }
}
