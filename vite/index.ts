/**
 * `sw-token-proxy/vite`: a Vite plugin that builds the app's service worker as one classic
 * script at the site root, and serves it in `vite` dev.
 */
export { tokenProxyWorker, type TokenProxyWorkerOptions } from './tokenProxyWorker.js'
