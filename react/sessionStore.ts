import {
  SESSION_EVENT_NAMES,
  type SessionEventName,
  type SessionExpiredReason,
  type SessionExpiring,
  type TokenProxyClient,
} from '../client/index.js'

/**
 * What {@link useSession} answers: the session as this tab last heard it from the worker. Never a
 * token. Re-read from `status()` after every session event of any tab, so every tab shows the
 * same session.
 */
export interface Session {
  /** `true` until the first `status()` answer arrived (then `authenticated` is known). */
  loading: boolean
  /** `true` while there is a session (a login that has not ended). */
  authenticated: boolean
  /**
   * Decoded, unverified claims of the ID token (else of a JWT access token), for display only;
   * `undefined` without a session or with an opaque token.
   */
  claims: Record<string, unknown> | undefined
  /** When the access token expires (epoch ms, worker clock); `null` when unknown or without a session. */
  expiresAt: number | null
  /** The session clock's hard end (epoch ms), once the session has one. */
  sessionEndsAt: number | undefined
  /** When the idle timeout ends the session unless a tab is active (epoch ms), once it has one. */
  idleEndsAt: number | undefined
  /** When every tab hears `session-expiring` (epoch ms), once there is a deadline. */
  warnsAt: number | undefined
  /** Present while a `session-expiring` warning holds: when, and why, the session ends. */
  expiring: SessionExpiring | undefined
  /**
   * How the last session of this tab's lifetime ended, until a new one starts: `'logout'` (a
   * `session-ended`, from any tab) or the `session-expired` reason. `undefined` while a session
   * runs or before one ended.
   */
  endedBy: SessionExpiredReason | 'logout' | undefined
}

/** The store behind {@link useSession}: subscribe/getSnapshot for `useSyncExternalStore`. */
export interface SessionStore {
  subscribe: (onChange: () => void) => () => void
  getSnapshot: () => Session
}

/** Before the first `status()` answer, and what a server render sees. */
export const LOADING_SESSION: Session = Object.freeze({
  loading: true,
  authenticated: false,
  claims: undefined,
  expiresAt: null,
  sessionEndsAt: undefined,
  idleEndsAt: undefined,
  warnsAt: undefined,
  expiring: undefined,
  endedBy: undefined,
})

/** The session events that change what `status()` answers. */
const SESSION_EVENTS: readonly SessionEventName[] = Object.values(SESSION_EVENT_NAMES).filter(
  (name) => name !== 'refresh-failed' && name !== 'step-up-required',
)

/**
 * A store over `client` that listens to the session events while it has subscribers, and after
 * each one (and on the first subscription) re-reads `status()`. The snapshot object changes only
 * when something in it did, so `useSyncExternalStore` re-renders only then. An answer of a read
 * that a later event overtook is dropped: the later read decides.
 */
export function createSessionStore(client: TokenProxyClient): SessionStore {
  let snapshot = LOADING_SESSION
  const subscribers = new Set<() => void>()
  let stopListening: (() => void) | undefined
  let reads = 0

  const publish = (next: Session) => {
    if (sameSession(snapshot, next)) return
    snapshot = Object.freeze(next)
    for (const subscriber of [...subscribers]) subscriber()
  }

  const read = () => {
    const id = ++reads
    client.status().then(
      (status) => {
        if (id !== reads) return
        const authenticated = status.authenticated
        publish({
          loading: false,
          authenticated,
          claims: authenticated ? status.claims : undefined,
          expiresAt: authenticated ? status.expiresAt : null,
          sessionEndsAt: status.sessionEndsAt,
          idleEndsAt: status.idleEndsAt,
          warnsAt: status.warnsAt,
          expiring: status.expiring,
          endedBy: authenticated ? undefined : snapshot.endedBy,
        })
      },
      // The worker did not answer (it is gone or stuck: `'worker-lost'` says so): keep what this
      // tab knew, but stop saying it is loading.
      () => {
        if (id === reads && snapshot.loading) publish({ ...snapshot, loading: false })
      },
    )
  }

  /** What an event tells at once, before `status()` answers with the rest. */
  const heard = (name: SessionEventName, payload: unknown) => {
    if (name === 'session-started' || name === 'session-refreshed') {
      const { expiresAt } = payload as { expiresAt: number | null }
      publish({
        ...snapshot,
        loading: false,
        authenticated: true,
        expiresAt,
        endedBy: undefined,
        ...(name === 'session-started' && { claims: undefined }),
      })
    } else if (name === 'session-expired' || name === 'session-ended') {
      publish({
        ...LOADING_SESSION,
        loading: false,
        endedBy: name === 'session-ended' ? 'logout' : (payload as { reason: SessionExpiredReason }).reason,
      })
    }
    read()
  }

  return {
    subscribe: (onChange) => {
      subscribers.add(onChange)
      if (!stopListening) {
        const stops = SESSION_EVENTS.map((name) => client.on(name, (payload) => heard(name, payload)))
        stopListening = () => stops.forEach((stop) => stop())
        read()
      }
      return () => {
        subscribers.delete(onChange)
        if (subscribers.size > 0 || !stopListening) return
        stopListening()
        stopListening = undefined
        // A read still out is of no one's interest now; the next subscription reads afresh.
        reads += 1
      }
    },
    getSnapshot: () => snapshot,
  }
}

function sameSession(a: Session, b: Session): boolean {
  return (
    a.loading === b.loading &&
    a.authenticated === b.authenticated &&
    a.expiresAt === b.expiresAt &&
    a.sessionEndsAt === b.sessionEndsAt &&
    a.idleEndsAt === b.idleEndsAt &&
    a.warnsAt === b.warnsAt &&
    a.endedBy === b.endedBy &&
    JSON.stringify(a.claims) === JSON.stringify(b.claims) &&
    JSON.stringify(a.expiring) === JSON.stringify(b.expiring)
  )
}
