/**
 * `sw-token-proxy/sw/cache`: the per-login API cache (Policy 15, docs/behaviour.md), in its own
 * entry so that only workers that keep API answers for offline use ship its strategies. Pass
 * `apiCache()` as `installTokenProxy({ apiCache })` beside the `api` entries that name a `cache`.
 */
export { apiCache } from './apiCache.js'
