import { spawn } from 'node:child_process'
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
}

type SessionOptions = Parameters<typeof WebDriver.newSession>[0]

/** How long a script may run in the page: the longest in-page wait of a scenario, with room. */
const SCRIPT_TIMEOUT_MS = 30_000

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
    noHardReload:
      "WebDriver's Refresh has no cache bypass, Debian's WebKitGTK has no WebDriver BiDi (whose reload has one), and keys sent over WebDriver reach the page, not MiniBrowser's Ctrl+Shift+R",
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
        const session = new WebDriverSession(client, await client.getWindowHandle())
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
  #current: string
  #queue: Promise<unknown> = Promise.resolve()

  constructor(client: Client, firstWindow: string) {
    this.#client = client
    this.#home = firstWindow
    this.#current = firstWindow
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
