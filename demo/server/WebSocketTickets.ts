import { randomBytes } from 'node:crypto'
import { digest } from './hash.ts'

/** Why a presented ticket was accepted or refused. */
type TicketOutcome = 'accepted' | 'missing' | 'unknown' | 'reused' | 'expired'

/** One attempt to redeem a ticket: a digest of it, never the ticket itself. */
export interface TicketRedemption {
  /** `null` when no ticket came with the handshake. */
  ticketDigest: string | null
  outcome: TicketOutcome
  /** The user the ticket was issued to, when it was one of ours. */
  user: string | null
}

interface TicketState {
  user: string
  expiresAt: number
  used: boolean
}

/**
 * One-time tickets for WebSocket handshakes, which a service worker never sees and so never adds a
 * bearer to. The page gets a ticket with an API call (which does carry the bearer), then opens the
 * socket with `?ticket=…`. A ticket is random, bound to the user whose token asked for it, good for
 * `lifetimeSeconds`, and good once: a ticket that leaks through a URL log is already spent.
 */
export class WebSocketTickets {
  readonly lifetimeSeconds: number
  /** Every ticket issued, as `{ ticketDigest, user }`. */
  readonly issued: Array<{ ticketDigest: string; user: string }> = []
  /** Every redemption attempt, in order. */
  readonly redemptions: TicketRedemption[] = []
  readonly #tickets = new Map<string, TicketState>()
  readonly #now: () => number

  constructor({ lifetimeSeconds = 30, now = Date.now }: { lifetimeSeconds?: number; now?: () => number } = {}) {
    this.lifetimeSeconds = lifetimeSeconds
    this.#now = now
  }

  /** A new ticket for `user`. */
  issue(user: string): string {
    const ticket = randomBytes(32).toString('base64url')
    this.#tickets.set(ticket, { user, expiresAt: this.#now() + this.lifetimeSeconds * 1000, used: false })
    this.issued.push({ ticketDigest: digest(ticket), user })
    return ticket
  }

  /** Spends `ticket`: answers its user when it is fresh and unused, else `undefined`. */
  redeem(ticket: string | null): string | undefined {
    const record = (outcome: TicketOutcome, user: string | null) => {
      this.redemptions.push({ ticketDigest: ticket ? digest(ticket) : null, outcome, user })
      return outcome === 'accepted' && user !== null ? user : undefined
    }
    if (!ticket) return record('missing', null)
    const state = this.#tickets.get(ticket)
    if (!state) return record('unknown', null)
    if (state.used) return record('reused', state.user)
    // Spent even when expired, so an old ticket never becomes "unknown" and loses its history.
    state.used = true
    if (this.#now() >= state.expiresAt) return record('expired', state.user)
    return record('accepted', state.user)
  }
}
