import type { SessionStatus } from '../protocol/messages.js'

/** `setTimeout`'s longest delay; a later deadline is checked again when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1
/** Fire just after the instant, so that the worker, reading its own clock, sees it has come. */
const SLACK_MS = 50
/** An instant already past is asked about again no sooner than this: a check never spins. */
const MIN_RECHECK_MS = 1_000

/**
 * The page half of the session clock (Policy 16): the worker cannot keep a timer (browsers stop it
 * when idle), so each tab schedules the next instant its session's status names (the warning,
 * then the end) and asks the worker's `status()` then. The worker decides: it tells every tab
 * `session-expiring` once, or ends the session, or answers that another tab's activity moved the
 * deadline, and this tab schedules the new one. A tab never warns on its own.
 */
export class SessionClockWatch {
  readonly #askStatus: () => Promise<SessionStatus>
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(askStatus: () => Promise<SessionStatus>) {
    this.#askStatus = askStatus
  }

  /** Schedules the next check from a status the worker just answered. */
  follow(status: SessionStatus): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const next = status.authenticated ? nextCheckOf(status) : undefined
    if (next === undefined) return
    const wait = next - Date.now()
    const delay = Math.min(wait > 0 ? wait + SLACK_MS : MIN_RECHECK_MS, MAX_TIMER_MS)
    this.#timer = setTimeout(() => void this.refresh(), delay)
  }

  /** Asks the worker now (a session event arrived, or a check is due) and follows its answer. */
  async refresh(): Promise<void> {
    try {
      this.follow(await this.#askStatus())
    } catch {
      // No controller, or a timeout: the next event or status() call schedules again.
    }
  }

  stop(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }
}

/** The warning if it is still to come, else the end, whichever deadline comes first. */
function nextCheckOf(status: SessionStatus): number | undefined {
  if (status.expiring) return status.expiring.endsAt
  return status.warnsAt
}

/** The input that counts as the user being here, for `reportActivity()`. */
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const

/**
 * Reports the user's input in this page to the worker, at most once per `throttleMs`, so that a
 * user reading or typing in one tab is not idle in any. Returns the function that stops it.
 */
export function reportInput(report: () => void, throttleMs: number): () => void {
  let lastReport = Number.NEGATIVE_INFINITY
  const onInput = () => {
    const now = Date.now()
    if (now - lastReport < throttleMs) return
    lastReport = now
    report()
  }
  for (const type of ACTIVITY_EVENTS) addEventListener(type, onInput, { passive: true, capture: true })
  return () => {
    for (const type of ACTIVITY_EVENTS) removeEventListener(type, onInput, { capture: true })
  }
}
