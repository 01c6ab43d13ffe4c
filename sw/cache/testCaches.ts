/**
 * A fake of CacheStorage for the per-login API cache's unit tests (not shipped: only tests import
 * it).
 */

/** CacheStorage as far as the proxy uses it, in memory, keyed by URL. */
export function fakeCaches() {
  const stores = new Map<string, Map<string, Response>>()
  const open = (name: string) => {
    let store = stores.get(name)
    if (!store) stores.set(name, (store = new Map<string, Response>()))
    return store
  }
  const caches = {
    keys: () => Promise.resolve([...stores.keys()]),
    delete: (name: string) => Promise.resolve(stores.delete(name)),
    open: (name: string) =>
      Promise.resolve(open(name)).then(() => ({
        put: (request: Request, response: Response) => (open(name).set(request.url, response), Promise.resolve()),
      })),
    match: (request: Request, { cacheName }: { cacheName: string }) =>
      Promise.resolve(stores.get(cacheName)?.get(request.url)?.clone()),
  } as unknown as CacheStorage
  return { caches, stores }
}
