import type { TokenProxyDecision } from '../protocol/decisions.js'
import { MESSAGE_SOURCE, type DecisionsMessage } from '../protocol/messages.js'

/** A decision as the worker's code records it; the log stamps `at`. */
export type Decision = TokenProxyDecision extends infer D ? (D extends unknown ? Omit<D, 'at'> : never) : never

/**
 * Where the worker's code records its decisions. Off by default, and free when off: every call
 * site reads `enabled` before it builds an event, so a request costs one boolean read and nothing
 * is allocated.
 */
export interface DecisionLog {
  /** Read before building an event: `if (log.enabled) log.record({ … })`. */
  readonly enabled: boolean
  record(decision: Decision): void
  /** A tab asks for the log (`on`) or stops (`!on`); the log is on while one does, or `always`. */
  follow(clientId: string, on: boolean): void
}

/** The log of a worker nobody debugs: never enabled. */
export const NO_DECISIONS: DecisionLog = { enabled: false, record() {}, follow() {} }

/** The part of `Clients` the log posts through. */
export interface DecisionClients {
  matchAll(options: ClientQueryOptions): Promise<ReadonlyArray<Pick<Client, 'id' | 'postMessage'>>>
}

/** How long decisions gather before they are posted: one `clients.matchAll()` per batch, not per decision. */
const BATCH_MS = 50

/**
 * The worker's log: posts its decisions, in order and batched (one `DECISIONS` message per window
 * per {@link BATCH_MS}), to the tabs that follow it, or to every window of the scope with `always` (the
 * worker option `debug: true`). Which tabs follow is kept in memory: a worker that stopped forgets
 * them, and each following tab tells it again (the client does so every 20 seconds). A tab that
 * closed is forgotten at the next batch; when none is left, the log is off again.
 */
export function createDecisionLog(clients: DecisionClients, now: () => number, always: boolean): DecisionLog {
  const followers = new Set<string>()
  let pending: TokenProxyDecision[] = []
  const log = {
    enabled: always,
    record(decision: Decision) {
      if (pending.push({ ...decision, at: now() }) === 1) setTimeout(() => void flush(), BATCH_MS)
    },
    follow(clientId: string, on: boolean) {
      if (on) followers.add(clientId)
      else followers.delete(clientId)
      log.enabled = always || followers.size > 0
    },
  }
  async function flush(): Promise<void> {
    const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true }).catch(() => [])
    const message: DecisionsMessage = { source: MESSAGE_SOURCE, type: 'DECISIONS', payload: { decisions: pending } }
    pending = []
    const open = new Set(windows.map((window) => window.id))
    for (const id of followers) if (!open.has(id)) log.follow(id, false)
    for (const window of windows) if (always || followers.has(window.id)) window.postMessage(message)
  }
  return log
}
