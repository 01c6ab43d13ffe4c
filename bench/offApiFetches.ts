import type { Page } from '@playwright/test'
import type { Variant } from './benchServer.ts'
import { median, rotate, round } from './stats.ts'
import type { Tab } from './tabs.ts'

/**
 * Same-origin requests the proxy does not own, with every worker warm: a static asset from the
 * demo build and a JSON answer off the API. The proxy's static routes send them straight to the
 * network; the bare pass-through worker (no routes) gets a fetch event for each and lets it fall
 * through. Each is compared with the same request from a page with no worker, in the same run.
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

export interface OffApiFetchFigures {
  rounds: number
  /** Requests per variant, path and round. */
  requestsPerRound: number
  /** Per path: median over rounds of each round's median ms, the ratios to no worker, and the routes taken. */
  asset: PathFigures
  json: PathFigures
}

interface PathFigures {
  path: string
  medianMs: Record<Variant, number>
  proxyOverNone: number
  passthroughOverNone: number
  /** Median over rounds of each round's own proxy/none ratio: a cross-check that drift did not make the figure. */
  pairedProxyOverNone: number
  route: Record<Variant, string>
}

/**
 * Many short rounds of `perRound` requests per variant and path, variants in an order rotated
 * every round. Short, because the machine's load drifts within seconds: with long batches one
 * variant would meet a busier machine than the next, and a 5 % target drowns in that.
 */
export async function offApiFetches(
  tabs: Record<Variant, Tab>,
  rounds: number,
  perRound: number,
): Promise<OffApiFetchFigures> {
  const variants: Variant[] = ['none', 'passthrough', 'proxy']
  const paths = Object.keys(offApiPaths) as OffApiPath[]
  const times: Record<OffApiPath, Record<Variant, number[]>> = {
    asset: { none: [], passthrough: [], proxy: [] },
    json: { none: [], passthrough: [], proxy: [] },
  }
  const routes: Record<OffApiPath, Record<Variant, Set<string>>> = {
    asset: { none: new Set(), passthrough: new Set(), proxy: new Set() },
    json: { none: new Set(), passthrough: new Set(), proxy: new Set() },
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
  const figures = (path: OffApiPath): PathFigures => {
    const medianMs = {
      none: median(times[path].none),
      passthrough: median(times[path].passthrough),
      proxy: median(times[path].proxy),
    }
    return {
      path: offApiPaths[path],
      medianMs: { none: round(medianMs.none), passthrough: round(medianMs.passthrough), proxy: round(medianMs.proxy) },
      proxyOverNone: round(medianMs.proxy / medianMs.none),
      passthroughOverNone: round(medianMs.passthrough / medianMs.none),
      pairedProxyOverNone: round(median(times[path].proxy.map((ms, r) => ms / times[path].none[r]!))),
      route: {
        none: [...routes[path].none].join(' / '),
        passthrough: [...routes[path].passthrough].join(' / '),
        proxy: [...routes[path].proxy].join(' / '),
      },
    }
  }
  return { rounds, requestsPerRound: perRound, asset: figures('asset'), json: figures('json') }
}
