import { execFile, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import WebDriver, { type Client } from 'webdriver'
import type { Browser, EngineBackend, PageFunction, Tab } from './Browser.ts'
import { startXvfb, type VirtualDisplay } from './startXvfb.ts'
import { stopProcess } from './stopProcess.ts'

export interface WebKitInstall {
  /** `WebKitWebDriver`, from Debian's `webkit2gtk-driver`. */
  driver: string
  /** WebKitGTK's MiniBrowser, from `libwebkit2gtk-4.1-0`. */
  miniBrowser: string
  /** Xvfb, when there is no display to use. */
  xvfb: string | undefined
  /** xdotool, which presses MiniBrowser's own Ctrl+Shift+R for `hardReload`; without it, no hard reload. */
  xdotool: string | undefined
}

type SessionOptions = Parameters<typeof WebDriver.newSession>[0]

/** How long a script may run in the page: the longest in-page wait of a scenario, with room. */
const SCRIPT_TIMEOUT_MS = 30_000

/** How long `hardReload` may take to bring its tab to the front, and then for the page to load again. */
const HARD_RELOAD_TIMEOUT_MS = 15_000

/** What WebKitGTK 2.50 does with a cache-bypassing reload, as measured with MiniBrowser's Ctrl+Shift+R. */
const HARD_RELOAD_KEEPS_CONTROL =
  "WebKitGTK 2.50 serves MiniBrowser's Ctrl+Shift+R (webkit_web_view_reload_bypass_cache) through the service worker: the reload bypasses the HTTP cache (the worker sees request.cache 'reload', the navigation type is 'reload'), yet the page is controlled from its first script on, so no reload leaves a page of the scope uncontrolled"

/**
 * WebKitGTK's MiniBrowser through WebKitWebDriver, the W3C WebDriver server WebKitGTK ships, with
 * WebdriverIO's protocol client (`webdriver`) in standalone mode. MiniBrowser needs an X display:
 * a private Xvfb unless `DISPLAY` is set and Xvfb is missing. Classic WebDriver only: Debian's
 * WebKitGTK 2.50 answers a request for WebDriver BiDi (`webSocketUrl`) with "Failed to match
 * capabilities".
 */
export function webkitBackend(install: WebKitInstall): EngineBackend {
  return {
    engine: 'webkit',
    via: 'WebKitWebDriver (W3C WebDriver) with webdriver',
    // WebKit stops the worker of a site once no page of that site is open; no protocol it ships
    // stops one on command.
    workerStop: 'no-clients',
    // WebDriver's Refresh has no cache bypass, Debian's WebKitGTK has no WebDriver BiDi (whose
    // reload has one), and keys sent over WebDriver reach the page, not MiniBrowser: its own
    // Ctrl+Shift+R (win.reload-no-cache) is pressed on the X display with xdotool instead.
    ...(install.xdotool
      ? { hardReloadKeepsControl: HARD_RELOAD_KEEPS_CONTROL }
      : {
          noHardReload:
            "keys sent over WebDriver reach the page, not MiniBrowser's Ctrl+Shift+R, and xdotool, which presses it on the display, is not installed (apt-get install xdotool)",
        }),
    async launch() {
      const stack: Array<() => Promise<unknown>> = []
      const unwind = async () => {
        for (const undo of stack.splice(0).reverse()) await undo().catch(() => undefined)
      }
      try {
        let display = process.env['DISPLAY']
        if (install.xvfb) {
          const xvfb: VirtualDisplay = await startXvfb(install.xvfb)
          stack.push(() => xvfb.stop())
          display = xvfb.display
        }
        const port = await freePort()
        // Its own process group: stopping the group also stops the MiniBrowser it started.
        const driver = spawn(install.driver, [`--port=${port}`], {
          env: { ...process.env, DISPLAY: display },
          stdio: 'ignore',
          detached: true,
        })
        stack.push(() => stopProcess(driver, { group: true }))
        await waitForDriver(port)
        const client = await WebDriver.newSession({
          hostname: '127.0.0.1',
          port,
          logLevel: 'error',
          connectionRetryCount: 1,
          // WebKitGTK's own capability, which WebdriverIO's types do not know.
          capabilities: {
            browserName: 'MiniBrowser',
            'webkitgtk:browserOptions': { binary: install.miniBrowser, args: ['--automation'] },
            // WebdriverIO would otherwise ask for WebDriver BiDi, which this WebKitGTK refuses.
            'wdio:enforceWebDriverClassic': true,
          } as SessionOptions['capabilities'],
        })
        stack.push(() => client.deleteSession())
        await client.setTimeouts(undefined, undefined, SCRIPT_TIMEOUT_MS)
        const caps = client.capabilities as { browserName?: string; browserVersion?: string }
        const keyboard = install.xdotool && display ? new MiniBrowserKeyboard(install.xdotool, display) : undefined
        const session = new WebDriverSession(client, await client.getWindowHandle(), keyboard)
        return {
          engine: 'webkit',
          version: `${caps.browserName ?? 'MiniBrowser'} ${caps.browserVersion ?? ''}`.trim(),
          openTab: (url) => session.openTab(url),
          close: unwind,
        } satisfies Browser
      } catch (error) {
        await unwind()
        throw error
      }
    },
  }
}

/**
 * One WebDriver session serves every tab, and a command runs in whichever tab the session last
 * switched to: commands are queued, and each switches to its tab first. The first window stays
 * open so that closing the last test tab never ends the session.
 */
class WebDriverSession {
  readonly #client: Client
  readonly #home: string
  readonly #keyboard: MiniBrowserKeyboard | undefined
  #current: string
  #queue: Promise<unknown> = Promise.resolve()

  constructor(client: Client, firstWindow: string, keyboard: MiniBrowserKeyboard | undefined) {
    this.#client = client
    this.#home = firstWindow
    this.#current = firstWindow
    this.#keyboard = keyboard
  }

  #run<T>(handle: string | undefined, command: (client: Client) => Promise<T>): Promise<T> {
    const next = this.#queue.then(async () => {
      if (handle !== undefined && handle !== this.#current) {
        await this.#client.switchToWindow(handle)
        this.#current = handle
      }
      return command(this.#client)
    })
    this.#queue = next.catch(() => undefined)
    return next
  }

  async openTab(url: string): Promise<Tab> {
    const { handle } = await this.#run(undefined, (client) => client.createWindow('tab'))
    await this.#run(handle, (client) => client.navigateTo(url))
    return {
      goto: (target) => this.#run(handle, (client) => client.navigateTo(target)),
      evaluate: <Args extends unknown[], Result>(fn: PageFunction<Args, Result>, ...args: Args) =>
        this.#run(handle, (client) => evaluate(client, fn, args)),
      ...(this.#keyboard && {
        hardReload: () => this.#run(handle, (client) => hardReload(client, this.#keyboard!)),
      }),
      close: () =>
        this.#run(handle, async (client) => {
          await client.closeWindow()
          // A session whose current window is closed can open no other: go back to the first.
          await client.switchToWindow(this.#home)
          this.#current = this.#home
        }),
    }
  }
}

/**
 * A cache-bypassing reload of the session's current tab, with MiniBrowser's own Ctrl+Shift+R. Every
 * WebDriver tab is a tab of one MiniBrowser window, switching to one over WebDriver does not bring
 * it to the front, and the shortcut reloads the front tab. The window's title follows the front
 * tab, so the tab gets a title no other has, and Ctrl+Page_Down cycles the tabs until the window
 * shows it. A marker the reload wipes out tells when the new page has loaded.
 */
async function hardReload(client: Client, keyboard: MiniBrowserKeyboard): Promise<void> {
  const mark = `sw-token-proxy hard reload ${randomUUID()}`
  await client.executeScript('document.title = arguments[0]; window.__swTokenProxyHardReload = arguments[0]', [mark])
  const deadline = Date.now() + HARD_RELOAD_TIMEOUT_MS
  await keyboard.bringToFront(mark, deadline)
  await keyboard.press('ctrl+shift+r')
  for (;;) {
    const loaded: unknown = await client
      .executeScript("return window.__swTokenProxyHardReload !== arguments[0] && document.readyState === 'complete'", [
        mark,
      ])
      .catch(() => false) // Between two documents.
    if (loaded === true) return
    if (Date.now() > deadline)
      throw new Error(
        `[sw-token-proxy] Failed to hard-reload in WebKit: Ctrl+Shift+R sent to MiniBrowser, but the page did not load again within ${HARD_RELOAD_TIMEOUT_MS} ms. Check that MiniBrowser has the keyboard focus (no other client grabbed it on the display).`,
      )
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Keys pressed on MiniBrowser's window with xdotool, on the display it runs on. The window is the
 * visible one of class MiniBrowser (WebKit also maps a hidden 10×10 helper of that class, which
 * cannot take the focus); there is no window manager under Xvfb, so it is focused, not activated.
 */
class MiniBrowserKeyboard {
  readonly #xdotool: string
  readonly #display: string
  #window: string | undefined

  constructor(xdotool: string, display: string) {
    this.#xdotool = xdotool
    this.#display = display
  }

  /** Cycles MiniBrowser's tabs (Ctrl+Page_Down) until the front one is titled `title`. */
  async bringToFront(title: string, deadline: number): Promise<void> {
    const window = await this.#findWindow()
    await this.#run(['windowfocus', '--sync', window])
    const shown = `[Automation] ${title}`
    for (;;) {
      // The title changes when MiniBrowser has handled the key: look for a while before pressing again.
      const pressed = Date.now()
      while (Date.now() - pressed < 500) {
        if ((await this.#run(['getwindowname', window])).trim() === shown) return
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      if (Date.now() > deadline)
        throw new Error(
          `[sw-token-proxy] Failed to bring a WebKit tab to the front: MiniBrowser's window never showed "${shown}" while Ctrl+Page_Down cycled its tabs. Check that every tab is in one MiniBrowser window.`,
        )
      await this.press('ctrl+Page_Down')
    }
  }

  async press(keys: string): Promise<void> {
    await this.#run(['key', '--clearmodifiers', keys])
  }

  async #findWindow(): Promise<string> {
    if (this.#window) return this.#window
    const found = (await this.#run(['search', '--onlyvisible', '--class', 'MiniBrowser']).catch(() => ''))
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
    if (found.length !== 1)
      throw new Error(
        `[sw-token-proxy] Failed to find MiniBrowser's window on display ${this.#display}: xdotool found ${found.length} visible windows of class MiniBrowser, where the session opens one.`,
      )
    return (this.#window = found[0]!)
  }

  #run(args: string[]): Promise<string> {
    return new Promise((resolve, reject) =>
      execFile(
        this.#xdotool,
        args,
        { env: { ...process.env, DISPLAY: this.#display }, timeout: 5_000 },
        (error, stdout, stderr) =>
          error
            ? reject(
                new Error(
                  `[sw-token-proxy] Failed to run xdotool ${args[0]} on display ${this.#display}: ${stderr.trim() || error.message}.`,
                ),
              )
            : resolve(stdout),
      ),
    )
  }
}

/** Runs `fn` as an asynchronous script, so a returned promise is awaited in every WebDriver server. */
async function evaluate<Args extends unknown[], Result>(
  client: Client,
  fn: PageFunction<Args, Result>,
  args: Args,
): Promise<Result> {
  const script = `const done = arguments[arguments.length - 1];
    Promise.resolve().then(() => (${fn.toString()}).apply(null, ${JSON.stringify(args)}))
      .then((value) => done({ value: value === undefined ? null : value }), (error) => done({ error: String(error && error.message || error) }))`
  const answer = (await client.executeAsyncScript(script, [])) as { value?: Result; error?: string } | null
  if (!answer)
    throw new Error(
      '[sw-token-proxy] Failed to run a script in WebKit: WebDriver answered nothing. Check that the page did not navigate away while the script ran.',
    )
  if (answer.error !== undefined) throw new Error(answer.error)
  return answer.value as Result
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Resolves once the driver answers `/status`. */
async function waitForDriver(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) return
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(
        `[sw-token-proxy] Failed to start WebKitWebDriver: it did not answer on port ${port} within ${timeoutMs} ms. Run it by hand (WebKitWebDriver --port=4444) to see why.`,
      )
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
