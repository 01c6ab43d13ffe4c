import type { ApiCachePlugin } from '../glossary.js'
import { API_CACHE_PREFIX, type ApiCacheEnvironment, type ApiCacheStrategies } from '../apiCachePlugin.js'

/**
 * The per-login API cache (Policy 15, docs/behaviour.md): the `api` entries with a `cache`
 * strategy keep their `GET` answers in CacheStorage for offline use, one cache per login. Pass the
 * result as `installTokenProxy({ apiCache })`; without it, a worker refuses entries with a `cache`,
 * so that workers that do not cache do not ship the strategies.
 *
 * @see docs/behaviour.md, Policy 15 (a per-login API cache)
 *
 * @example
 * ```ts
 * import { installTokenProxy } from 'sw-token-proxy/sw'
 * import { apiCache } from 'sw-token-proxy/sw/cache'
 *
 * installTokenProxy({
 *   api: [{ prefix: '/api/', cache: 'network-first' }],
 *   tokenEndpoints: ['/auth/login'],
 *   refresh: { url: '/auth/refresh' },
 *   apiCache: apiCache(),
 * })
 * ```
 */
export function apiCache(): ApiCachePlugin {
  return { kind: 'api-cache', create: (environment) => strategies(environment) }
}

/**
 * The strategies over the proxy's API path. The cached copy is stored under the URL alone (a new
 * `Request` without the page's headers, so no `Authorization` is written) and only for a `200`; it
 * is served only to the login that fetched it, and never written once that login ended.
 */
function strategies(context: ApiCacheEnvironment): ApiCacheStrategies {
  return {
    async answer(request, api, send, waitUntil) {
      const loginId = request.method === 'GET' ? (await context.store.currentOrStarted()).tokens?.loginId : undefined
      if (loginId === undefined) return send()
      const cacheName = `${API_CACHE_PREFIX}${loginId}`
      const key = new Request(request.url)

      const fromNetwork = send().then((response) => {
        if (response.status === 200) waitUntil(keep(context, loginId, cacheName, key, response.clone()))
        return response
      })
      if (api.cache === 'stale-while-revalidate') {
        const cached = await cachedAnswer(context.caches, cacheName, key)
        if (cached) {
          // Not awaited: a cancelled branch of a tee settles only once the other (the copy being
          // cached) is read to its end.
          waitUntil(
            fromNetwork.then((response) => void response.body?.cancel().catch(() => undefined)).catch(() => undefined),
          )
          return cached
        }
        return fromNetwork
      }
      try {
        return await fromNetwork
      } catch (error) {
        // No answer at all (offline): the last one this login got, if any; else the same failure.
        const cached = await cachedAnswer(context.caches, cacheName, key)
        if (cached) return cached
        throw error
      }
    },
  }
}

function cachedAnswer(caches: CacheStorage, cacheName: string, key: Request): Promise<Response | undefined> {
  return caches.match(key, { cacheName, ignoreVary: true }).catch(() => undefined)
}

/**
 * Writes the answer for the login that fetched it, unless that login ended meanwhile; checked again
 * after the write, since a logout may clear the caches between the check and the write.
 */
async function keep(
  context: ApiCacheEnvironment,
  loginId: string,
  cacheName: string,
  key: Request,
  response: Response,
): Promise<void> {
  const stillCurrent = async () => (await context.store.current()).tokens?.loginId === loginId
  try {
    // Not awaited: this copy is a branch of a tee, whose cancel settles only with the other's end.
    if (!(await stillCurrent())) return void response.body?.cancel().catch(() => undefined)
    await (await context.caches.open(cacheName)).put(key, response)
    if (!(await stillCurrent())) await context.caches.delete(cacheName)
  } catch {
    // A full or unavailable CacheStorage costs the offline copy, never the answer.
  }
}
