/**
 * The small, engine-neutral driver the engine scenarios are written against: open a tab, go to a
 * URL, run a function in the page, close. Each backend (puppeteer-core over WebDriver BiDi,
 * WebKitWebDriver, Playwright's own browsers) implements it, so one scenario runs in every engine.
 */

export type EngineName = 'firefox' | 'webkit' | 'chromium'

/**
 * A function that runs in the page. It is sent as source text, so it must not use anything from
 * the test's scope: only its arguments and the page's globals. Arguments and result cross as JSON.
 */
export type PageFunction<Args extends unknown[], Result> = (...args: Args) => Result | Promise<Result>

export interface Tab {
  /** Navigates and resolves once the page has loaded. */
  goto(url: string): Promise<void>
  /** Runs `fn(...args)` in the page and answers its (awaited) result. */
  evaluate<Args extends unknown[], Result>(fn: PageFunction<Args, Result>, ...args: Args): Promise<Result>
  /**
   * Reloads bypassing the HTTP cache, as a user's shift-reload does, and resolves once the new page
   * has loaded. In Chromium and Firefox it also bypasses the service worker, leaving the page
   * uncontrolled; in WebKit the worker still serves it (the backend's `hardReloadKeepsControl`).
   * Absent where the engine cannot be made to do it from a test.
   */
  hardReload?(): Promise<void>
  close(): Promise<void>
}

/**
 * How a scenario can get the engine to stop an idle service worker, so that the next event starts
 * it again from its script:
 * - `command`: the browser stops it when asked (`stopServiceWorkers`), as Chromium's DevTools do;
 * - `idle-timeout`: the browser was launched with a short idle timeout (`workerIdleTimeoutMs`) and
 *   stops the worker itself once the test leaves it idle;
 * - `no-clients`: the browser stops a worker whose site has no page open any more.
 */
export type WorkerStopMethod = 'command' | 'idle-timeout' | 'no-clients'

export interface Browser {
  readonly engine: EngineName
  /** The browser's own name and version, as reported by it: `Firefox 153.7.0`, `MiniBrowser 2.50.6`. */
  readonly version: string
  /** Opens a new tab at `url` and resolves once the page has loaded. */
  openTab(url: string): Promise<Tab>
  /** Stops every service worker now. Only where the backend's `workerStop` is `command`. */
  stopServiceWorkers?(tab: Tab): Promise<void>
  close(): Promise<void>
}

export interface LaunchOptions {
  /**
   * With `workerStop: 'idle-timeout'`: stop a service worker once it has been idle this long
   * (Firefox's `dom.serviceWorkers.idle_timeout`; 30 s by default). Ignored elsewhere.
   */
  workerIdleTimeoutMs?: number
}

/** One way to run one engine on this machine. */
export interface EngineBackend {
  readonly engine: EngineName
  /** How the tests drive it, for reports: `puppeteer-core over WebDriver BiDi`. */
  readonly via: string
  readonly workerStop: WorkerStopMethod
  /** Why this engine's tabs have no `hardReload`, when they have none. */
  readonly noHardReload?: string
  /**
   * Set where `hardReload` bypasses the HTTP cache but not the service worker, so the reloaded
   * page is controlled from its first script on: what the engine does, for skip messages.
   */
  readonly hardReloadKeepsControl?: string
  launch(options?: LaunchOptions): Promise<Browser>
}
