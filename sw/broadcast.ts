import {
  MESSAGE_SOURCE,
  type BroadcastMessage,
  type BroadcastPayloads,
  type BroadcastType,
} from '../protocol/messages.js'

export type Broadcast = <T extends BroadcastType>(type: T, payload: BroadcastPayloads[T]) => Promise<void>

/**
 * Posts a session event to every window of the scope, controlled or not (a tab opened with
 * shift-reload has no controller but must still learn that the session ended). One post per
 * window per event: callers broadcast once per state change, never once per waiting request.
 */
export function createBroadcast(clients: Clients): Broadcast {
  return async (type, payload) => {
    const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true })
    const message = { source: MESSAGE_SOURCE, type, payload } as BroadcastMessage
    for (const client of windows) client.postMessage(message)
  }
}
