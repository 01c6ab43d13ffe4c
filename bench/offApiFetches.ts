import type { Page } from '@playwright/test'
import type { Variant } from './benchServer.ts'
import { median, rotate, round } from './stats.ts'
import type { Tab } from './tabs.ts'

/**
 * Same-origin requests the proxy does not own, with every worker warm: a static asset from the
 * demo build and a JSON answer off the API. The proxy's static routes send them straight to the
 * network; the bare pass-through worker (no routes) gets a fetch event for each and lets it fall
 * through. Each is compared with the same request from a page with no worker, in the same run.
 * `routes-only` (a trivial worker whose one static route sends everything outside `/api/*` to the
 * network) is the floor for the proxy: Chromium still passes every request of a page controlled by
 * a worker with a fetch handler through the worker's subresource loader, which evaluates the rules
 * before handing the request to the network, whatever the rules say.
 */
export const offApiPaths = { asset: '/favicon.svg', json: '/bench/data.json' } as const
type OffApiPath = keyof typeof offApiPaths

interface Batch {
  /** Median milliseconds per request, fetch to the last byte. */
  ms: number
  /** How the browser answered the first one, from Resource Timing. */
  route: string
}

/**
 * `count` fetches of `path`, one after another. `cache: 'no-store'` so that each reaches the
 * server: the HTTP cache's heuristics would otherwise decide how many do, differently per origin.
 */
function sequentialFetches(page: Page, path: string, count: number): Promise<Batch> {
  return page.evaluate(
    async ([path, count]) => {
      performance.clearResourceTimings()
      const times: number[] = []
      for (let i = 0; i < count; i++) {
        const start = performance.now()
        await (await fetch(path, { cache: 'no-store' })).arrayBuffer()
        times.push(performance.now() - start)
      }
      times.sort((a, b) => a - b)
      // `workerMatchedSourceType` (Chromium) names the source where a static route matched;
      // otherwise a controlled page's request goes to the worker's fetch handler.
      const entry = performance
        .getEntriesByType('resource')
        .find((candidate) => new URL(candidate.name).pathname === path) as
        (PerformanceResourceTiming & { workerMatchedSourceType?: string }) | undefined
      const route = !entry
        ? 'unknown'
        : entry.workerMatchedSourceType
          ? `static route: ${entry.workerMatchedSourceType}`
          : navigator.serviceWorker.controller
            ? 'fetch event'
            : 'no worker'
      return { ms: times[Math.floor(times.length / 2)]!, route }
    },
    [path, count] as const,
  )
}

export interface OffApiFetchFigures<V extends string = Variant> {
  rounds: number
  /** Requests per variant, path and round. */
  requestsPerRound: number
  /** Per path: median over rounds of each round's median ms, the ratios to no worker, and the routes taken. */
  asset: PathFigures<V>
  json: PathFigures<V>
}

export interface PathFigures<V extends string = Variant> {
  path: string
  medianMs: Record<V, number>
  /** Each variant's median over the median with no worker. */
  overNone: Record<V, number>
  /** Median over rounds of each round's own variant/none ratio: a cross-check that drift did not make the figure. */
  pairedOverNone: Record<V, number>
  route: Record<V, string>
}

/**
 * Many short rounds of `perRound` requests per variant and path, variants in an order rotated
 * every round. Short, because the machine's load drifts within seconds: with long batches one
 * variant would meet a busier machine than the next, and a 5 % target drowns in that.
 * `tabs` names the variants, in order; `none` (no worker) is the baseline of every ratio.
 */
export async function offApiFetches<V extends string>(
  tabs: Record<V | 'none', Tab>,
  rounds: number,
  perRound: number,
): Promise<OffApiFetchFigures<V | 'none'>> {
  type K = V | 'none'
  const variants = Object.keys(tabs) as K[]
  const paths = Object.keys(offApiPaths) as OffApiPath[]
  const perVariant = <T>(make: () => T) =>
    Object.fromEntries(variants.map((variant) => [variant, make()])) as Record<K, T>
  const times: Record<OffApiPath, Record<K, number[]>> = { asset: perVariant(() => []), json: perVariant(() => []) }
  const routes: Record<OffApiPath, Record<K, Set<string>>> = {
    asset: perVariant(() => new Set()),
    json: perVariant(() => new Set()),
  }
  // Warm-up: the connection to each origin and, for the pass-through worker, its fetch handler.
  for (const variant of variants)
    for (const path of paths) await sequentialFetches(tabs[variant].page, offApiPaths[path], 5)
  for (let r = 0; r < rounds; r++) {
    for (const variant of rotate(variants, r)) {
      for (const path of rotate(paths, r)) {
        const batch = await sequentialFetches(tabs[variant].page, offApiPaths[path], perRound)
        times[path][variant].push(batch.ms)
        routes[path][variant].add(batch.route)
      }
    }
  }
  const figures = (path: OffApiPath): PathFigures<K> => {
    const none = median(times[path].none)
    const each = <T>(value: (variant: K) => T) =>
      Object.fromEntries(variants.map((variant) => [variant, value(variant)])) as Record<K, T>
    return {
      path: offApiPaths[path],
      medianMs: each((variant) => round(median(times[path][variant]))),
      overNone: each((variant) => round(median(times[path][variant]) / none)),
      pairedOverNone: each((variant) => round(median(times[path][variant].map((ms, r) => ms / times[path].none[r]!)))),
      route: each((variant) => [...routes[path][variant]].join(' / ')),
    }
  }
  return { rounds, requestsPerRound: perRound, asset: figures('asset'), json: figures('json') }
}
