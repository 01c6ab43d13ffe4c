/** The options of `installTokenProxyWithMsw(options, msw)`. All optional. */
export interface MswOptions {
  /**
   * msw's own `mockServiceWorker.js`, unmodified (`npx msw init` copies it), resolved against the
   * worker script's URL. Default `'mockServiceWorker.js'`: next to the worker.
   */
  scriptUrl?: string
}
