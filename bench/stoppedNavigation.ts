import type { Page } from '@playwright/test'
import type { Variant } from './benchServer.ts'
import { median, rotate, round } from './stats.ts'
import type { Tab } from './tabs.ts'
import { watchWorkers, type WorkerStopper } from './workerStopper.ts'

/** One navigation, timed three ways. */
interface Sample {
  /** Navigation Timing `responseEnd`: from the start of the navigation to the last byte of the page. */
  responseEnd: number
  /** Navigation Timing `domContentLoadedEventEnd`. */
  domContentLoaded: number
  /** Wall time of `page.goto` (until `load`), seen from this process. */
  goto: number
  route: string
}

type Metric = Exclude<keyof Sample, 'route'>
/**
 * The figure the target is judged on: `responseEnd`. It is the least noisy of the three in ms
 * (interquartile range, printed with every run), and it is what a static route decides: how soon
 * the page arrives from the network. The later two also carry the parse and the `load` wait, and
 * the worker Chromium starts alongside a static-routed navigation competes with them for the CPU.
 */
export const navigationMetric: Metric = 'responseEnd'

interface MetricFigures {
  medianMs: Record<Variant, number>
  proxyOverNone: number
  passthroughOverNone: number
  /** Interquartile range per variant, ms: how much the metric moves from one navigation to the next. */
  iqrMs: Record<Variant, number>
}

export interface StoppedNavigationFigures extends MetricFigures {
  navigations: number
  metric: Metric
  /** How each variant's navigations were answered, from Navigation Timing (every distinct answer). */
  route: Record<Variant, string>
  /** The same navigations by every metric, the one above included. */
  byMetric: Record<Metric, MetricFigures>
}

/**
 * A navigation to a plain page in the worker's scope while the worker is stopped, as after the
 * browser stopped an idle worker. The proxy's static route sends navigations to the network, so
 * the page does not wait for the worker to start (Chromium still starts it alongside, for the
 * page's later requests: its startup shares the CPU with the navigation); the pass-through worker
 * (no routes) has to be started before the navigation can go on. Compared with the same
 * navigation on the origin with no worker.
 *
 * Each variant navigates in its own extra page (the steady-state pages stay as they are), one
 * navigation per variant per round, in an order rotated every round.
 */
export async function stoppedNavigation(tabs: Record<Variant, Tab>, rounds: number): Promise<StoppedNavigationFigures> {
  const variants: Variant[] = ['none', 'passthrough', 'proxy']
  const pages = {} as Record<Variant, { page: Page; workers: WorkerStopper; origin: string }>
  for (const variant of variants) {
    const page = await tabs[variant].context.newPage()
    const origin = tabs[variant].server.origin
    await page.goto(`${origin}/bench/plain.html`) // warm-up: the connection and the page's process
    pages[variant] = { page, workers: await watchWorkers(page), origin }
  }
  const samples: Record<Variant, Sample[]> = { none: [], passthrough: [], proxy: [] }
  for (let r = 0; r < rounds; r++) {
    for (const variant of rotate(variants, r)) {
      const { page, workers, origin } = pages[variant]
      await workers.stopAll()
      // Let the stopped worker's teardown finish, so it does not compete with the navigation for
      // the CPU; the same pause for every variant.
      await new Promise((resolve) => setTimeout(resolve, 50))
      const start = performance.now()
      await page.goto(`${origin}/bench/plain.html?round=${r}`)
      const goto = performance.now() - start
      samples[variant].push({ ...(await navigationTiming(page)), goto })
    }
  }
  for (const { page, workers } of Object.values(pages)) {
    await workers.detach()
    await page.close()
  }
  const figures = (metric: Metric): MetricFigures => {
    const values = (variant: Variant) => samples[variant].map((sample) => sample[metric])
    const medianMs = {
      none: median(values('none')),
      passthrough: median(values('passthrough')),
      proxy: median(values('proxy')),
    }
    return {
      medianMs: { none: round(medianMs.none), passthrough: round(medianMs.passthrough), proxy: round(medianMs.proxy) },
      proxyOverNone: round(medianMs.proxy / medianMs.none),
      passthroughOverNone: round(medianMs.passthrough / medianMs.none),
      iqrMs: { none: iqr(values('none')), passthrough: iqr(values('passthrough')), proxy: iqr(values('proxy')) },
    }
  }
  const byMetric = {
    responseEnd: figures('responseEnd'),
    domContentLoaded: figures('domContentLoaded'),
    goto: figures('goto'),
  }
  const routes = (variant: Variant) => [...new Set(samples[variant].map((sample) => sample.route))].join(' / ')
  const route = { none: routes('none'), passthrough: routes('passthrough'), proxy: routes('proxy') }
  return { navigations: rounds, metric: navigationMetric, ...byMetric[navigationMetric], route, byMetric }
}

function navigationTiming(page: Page): Promise<Omit<Sample, 'goto'>> {
  return page.evaluate(() => {
    const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming & {
      workerMatchedSourceType?: string
    }
    // A static route names its source. Without one, a navigation into a worker's scope goes to
    // its fetch handler; `workerStart` cannot tell, as Chromium leaves it 0 when the handler
    // lets the navigation fall through to the network.
    const route = entry.workerMatchedSourceType
      ? `static route: ${entry.workerMatchedSourceType}`
      : navigator.serviceWorker.controller
        ? 'fetch event'
        : 'no worker'
    return { responseEnd: entry.responseEnd, domContentLoaded: entry.domContentLoadedEventEnd, route }
  })
}

/** Interquartile range, ms. */
function iqr(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return round(at(0.75) - at(0.25), 1)
}
