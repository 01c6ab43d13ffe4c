import type { TokenProxyDecision } from '../protocol/decisions.js'
import { decisionLine } from '../protocol/decisionLines.js'

/**
 * How often a following tab reminds the worker: the worker keeps its followers in memory, so a
 * worker that stopped would forget them. A reminder every 20 seconds also keeps the worker from
 * stopping for idleness while a tab debugs (Chromium stops one after 30 idle seconds).
 */
const REMIND_MS = 20_000

/**
 * The decision log's page half: follows the worker's log while this page wants it (`debug: true`,
 * or a `'decision'` listener), and delivers what arrives, printed as one collapsed console group
 * per decision with `debug: true`.
 */
export class DecisionWatch {
  readonly #ask: (on: boolean) => Promise<unknown>
  readonly #printing: boolean
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(ask: (on: boolean) => Promise<unknown>, printing: boolean) {
    this.#ask = ask
    this.#printing = printing
  }

  /** `listeners`: how many `'decision'` listeners the page has; it follows while any, or with `debug`. */
  want(listeners: number): void {
    const wanted = this.#printing || listeners > 0
    if (wanted === (this.#timer !== undefined)) return
    const tell = () => void this.#ask(wanted).catch(() => undefined)
    clearInterval(this.#timer)
    this.#timer = wanted ? setInterval(tell, REMIND_MS) : undefined
    tell()
  }

  receive(decisions: readonly TokenProxyDecision[], emit: (decision: TokenProxyDecision) => void): void {
    for (const decision of decisions) {
      if (this.#printing) printDecision(decision)
      emit(decision)
    }
  }
}

/**
 * `[sw-token-proxy] GET /api/me → the session token for /api/ (297 s left)`, the event inside:
 * what `debug: true` asks for, so the page's console is the point here.
 */
function printDecision(decision: TokenProxyDecision): void {
  /* eslint-disable no-console -- the decision log's console lines are what `debug: true` asks for */
  console.groupCollapsed(`[sw-token-proxy] ${decisionLine(decision)}`)
  console.log({ ...decision })
  console.groupEnd()
  /* eslint-enable no-console */
}
