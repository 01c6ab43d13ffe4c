/**
 * The contract between the core worker and the per-login API cache (Policy 15, docs/behaviour.md)
 * of `sw-token-proxy/sw/cache`, so that only the workers that keep API answers for offline use ship
 * its strategies. What stays in the core is the deletion of every login's caches at each end (and
 * start) of a session: it runs in every worker, with or without the plug-in, so a worker that stops
 * caching still deletes what an earlier version kept.
 */
import type { TokenStore } from './tokenStore.js'
import type { ApiPrefix } from './tokenTarget.js'

/** The names of the per-login API caches: one per login, named by its id (never a token). */
export const API_CACHE_PREFIX = 'sw-token-proxy:api:'

/** Deletes every login's API cache: called before any tab hears that a session ended or began. */
export async function clearApiCaches(caches: CacheStorage): Promise<void> {
  const names = await caches.keys()
  await Promise.all(names.filter((name) => name.startsWith(API_CACHE_PREFIX)).map((name) => caches.delete(name)))
}

/** What the worker gives the plug-in. */
export interface ApiCacheEnvironment {
  caches: CacheStorage
  /** Which login is current, so a copy is kept for, and served to, that login only. */
  store: Pick<TokenStore, 'current' | 'currentOrStarted'>
}

/** Keeps the worker alive for work that outlives the answer (`ExtendableEvent.waitUntil`). */
type WaitUntil = (promise: Promise<unknown>) => void

/** The strategies: one API request answered through the cache of its login. */
export interface ApiCacheStrategies {
  /**
   * Answers `request` (an `api` entry with a `cache`) by the entry's strategy; `send` is the
   * proxy's own API path (token, renewal, replay), which every network answer comes from.
   */
  answer(
    request: Request,
    api: ApiPrefix & { cache: NonNullable<ApiPrefix['cache']> },
    send: () => Promise<Response>,
    waitUntil: WaitUntil,
  ): Promise<Response>
}
