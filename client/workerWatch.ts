/**
 * What can go wrong with the worker a page registered, once it served the page: another script
 * took its scope (`replaced`), or it is gone (`lost`: its registration was removed, or it stopped
 * answering). Absent while all is well.
 */
export type WorkerProblem =
  | {
      /** Another script took the scope. */
      state: 'replaced'
      /** The script that now holds the scope (or is installing into it). */
      scriptURL: string
    }
  | {
      /** The worker is gone. */
      state: 'lost'
      /** `'unregistered'`: the registration was removed; `'unresponsive'`: a message went unanswered. */
      reason: 'unregistered' | 'unresponsive'
    }

/** How often a visible page checks that its registration is still there: no event says it is gone. */
const CHECK_EVERY_MS = 5_000

/** The same script, whatever its query string (`/sw.js?v=2` after an update is still ours). */
const sameScript = (a: string, b: string) => a.split('?')[0] === b.split('?')[0]

/**
 * Watches, for one page, the registration it made: tells `report` once of each kind of problem.
 * A script that runs on the origin can unregister the worker or register another in its place
 * (what the docs' trust model calls a same-origin attacker); this notices and says so. It cannot
 * stop it: see the guide's "A worker the page can trust".
 */
export class WorkerWatch {
  readonly #container: ServiceWorkerContainer
  readonly #registration: ServiceWorkerRegistration
  readonly #scriptUrl: string
  readonly #report: (problem: WorkerProblem) => void
  #problem: WorkerProblem | undefined
  readonly #told = new Set<WorkerProblem['state']>()
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(
    container: ServiceWorkerContainer,
    registration: ServiceWorkerRegistration,
    scriptUrl: string,
    report: (problem: WorkerProblem) => void,
  ) {
    this.#container = container
    this.#registration = registration
    this.#scriptUrl = scriptUrl
    this.#report = report
  }

  /** The latest problem, for `status()`; `undefined` while all is well. */
  get problem(): WorkerProblem | undefined {
    return this.#problem
  }

  start(): void {
    this.#container.addEventListener('controllerchange', () => this.#noteScript(this.#container.controller?.scriptURL))
    this.#registration.addEventListener('updatefound', () => this.#noteScript(this.#registration.installing?.scriptURL))
    document.addEventListener('visibilitychange', () => void (document.visibilityState === 'visible' && this.check()))
    this.#timer = setInterval(() => void (document.visibilityState === 'visible' && this.check()), CHECK_EVERY_MS)
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  /** Looks at the scope's registration now: gone, or running another script. */
  async check(): Promise<void> {
    let current: ServiceWorkerRegistration | undefined
    try {
      current = await this.#container.getRegistration(this.#registration.scope)
    } catch {
      return // A document being torn down, or storage blocked: nothing to say.
    }
    if (!current || current.scope !== this.#registration.scope)
      return this.#tell({ state: 'lost', reason: 'unregistered' })
    const newest = current.installing ?? current.waiting ?? current.active
    this.#noteScript(newest?.scriptURL)
  }

  /** A message to the worker went unanswered: it is stuck or gone. */
  noteUnanswered(): void {
    this.#tell({ state: 'lost', reason: 'unresponsive' })
  }

  #noteScript(scriptURL: string | undefined): void {
    if (scriptURL !== undefined && !sameScript(scriptURL, this.#scriptUrl)) this.#tell({ state: 'replaced', scriptURL })
  }

  #tell(problem: WorkerProblem): void {
    this.#problem = problem
    if (this.#told.has(problem.state)) return
    this.#told.add(problem.state)
    this.#report(problem)
  }
}
