import type { ProxyApiRequestContext } from './proxyApiRequest.js'
import { proxyApiRequest } from './proxyApiRequest.js'
import type { ApiPrefix } from './tokenTarget.js'

/**
 * The per-login API cache (Policy 15, docs/behaviour.md): an `api` entry's `GET` answers kept in
 * CacheStorage for offline use, one cache per login, named by the login's id (never a token).
 */
const API_CACHE_PREFIX = 'sw-token-proxy:api:'

type WaitUntil = (promise: Promise<unknown>) => void

export interface ApiCacheContext extends ProxyApiRequestContext {
  caches: CacheStorage
}

/**
 * `proxyApiRequest` with the entry's cache strategy. The cached copy is stored under the URL alone
 * (a new `Request` without the page's headers, so no `Authorization` is written) and only for a
 * `200`; it is served only to the login that fetched it, and never written once that login ended.
 */
export async function cachedApiRequest(
  request: Request,
  api: ApiPrefix & { cache: NonNullable<ApiPrefix['cache']> },
  context: ApiCacheContext,
  waitUntil: WaitUntil,
): Promise<Response> {
  const loginId = request.method === 'GET' ? (await context.store.currentOrStarted()).tokens?.loginId : undefined
  if (loginId === undefined) return proxyApiRequest(request, api, context, waitUntil)
  const cacheName = `${API_CACHE_PREFIX}${loginId}`
  const key = new Request(request.url)

  const fromNetwork = proxyApiRequest(request, api, context, waitUntil).then((response) => {
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
}

/** Deletes every login's API cache: called before any tab hears that a session ended or began. */
export async function clearApiCaches(caches: CacheStorage): Promise<void> {
  const names = await caches.keys()
  await Promise.all(names.filter((name) => name.startsWith(API_CACHE_PREFIX)).map((name) => caches.delete(name)))
}

function cachedAnswer(caches: CacheStorage, cacheName: string, key: Request): Promise<Response | undefined> {
  return caches.match(key, { cacheName, ignoreVary: true }).catch(() => undefined)
}

/**
 * Writes the answer for the login that fetched it, unless that login ended meanwhile; checked again
 * after the write, since a logout may clear the caches between the check and the write.
 */
async function keep(
  context: ApiCacheContext,
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
