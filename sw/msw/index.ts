/**
 * `sw-token-proxy/sw/msw`: the token proxy and Mock Service Worker (msw 2.x) in one service worker,
 * for development and tests. In the worker script, call `installTokenProxyWithMsw(options)` once,
 * instead of `installTokenProxy(options)`; see the msw guide (docs/guides/msw.md).
 */
export { installTokenProxyWithMsw } from './installTokenProxyWithMsw.js'
export type { MswOptions } from './glossary.js'
