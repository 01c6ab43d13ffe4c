import type { StepUpRequirement } from '../protocol/stepUp.js'
import type { Broadcast } from './broadcast.js'
import type { DecisionLog } from './decisionLog.js'
import { isLive, type TokenStore } from './tokenStore.js'

export interface StepUpNoticesOptions {
  store: TokenStore
  broadcast: Broadcast
  /** The decision log: each step-up, told or already told. */
  log?: DecisionLog | undefined
}

/** How many (login, requirement) pairs are remembered; the oldest is forgotten first. */
const REMEMBERED = 64

/**
 * RFC 9470 step-up: tells every tab, with `STEP_UP_REQUIRED`, that an API wants a stronger or more
 * recent authentication than the session's token carries.
 *
 * **Once per login and requirement.** Ten requests refused with the same challenge, from one tab
 * or several, make one message per tab: the decision is taken synchronously, before anything is
 * awaited, so concurrent refusals cannot all pass it. A different requirement (other ACR values,
 * another `max_age`) is told again, and so is the same one after a new sign-in (a new login). The
 * memory is this worker's: a worker restarted in between may tell the same requirement once more.
 *
 * A refusal of a login that has since ended (a logout, another user's sign-in) tells nobody: the
 * tabs now belong to the next login (Policy 10). The message carries the requirement only, never
 * a token.
 */
export class StepUpNotices {
  readonly #options: StepUpNoticesOptions
  /** Keys of the (login, requirement) pairs already told, oldest first. */
  readonly #told = new Set<string>()

  constructor(options: StepUpNoticesOptions) {
    this.#options = options
  }

  /** Tells every tab about `requirement`, met by a request of `loginId`, unless it was told already. */
  notify(loginId: string, requirement: StepUpRequirement): Promise<void> {
    const key = JSON.stringify([loginId, sortedAcrValues(requirement.acrValues), requirement.maxAge ?? null])
    const told = this.#told.has(key)
    if (this.#options.log?.enabled) this.#options.log.record({ type: 'step-up', ...requirement, told: !told })
    if (told) return Promise.resolve()
    this.#told.add(key)
    if (this.#told.size > REMEMBERED) this.#told.delete(this.#told.values().next().value!)
    return this.#tell(loginId, requirement)
  }

  async #tell(loginId: string, requirement: StepUpRequirement): Promise<void> {
    // Read from the database, not this worker's copy: another worker (an update, another scope)
    // may have signed the next user in meanwhile.
    const current = await this.#options.store.reload()
    if (!isLive(current) || current.tokens.loginId !== loginId) return
    await this.#options.broadcast('STEP_UP_REQUIRED', { ...requirement })
  }
}

/** The same classes in another order are the same requirement: the order is only a preference. */
function sortedAcrValues(acrValues: string | undefined): string | null {
  return acrValues === undefined ? null : acrValues.split(' ').sort().join(' ')
}
