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

interface MetricFigures<V extends string> {
  medianMs: Record<V, number>
  /** Each variant's median over the median with no worker. */
  overNone: Record<V, number>
  /** Interquartile range per variant, ms: how much the metric moves from one navigation to the next. */
  iqrMs: Record<V, number>
}

export interface StoppedNavigationFigures<V extends string = Variant> extends MetricFigures<V> {
  navigations: number
  metric: Metric
  /** How each variant's navigations were answered, from Navigation Timing (every distinct answer). */
  route: Record<V, string>
  /** The same navigations by every metric, the one above included. */
  byMetric: Record<Metric, MetricFigures<V>>
}

/**
 * A navigation to a plain page in the worker's scope while the worker is stopped, as after the
 * browser stopped an idle worker. The proxy's static route sends navigations to the network, so
 * the page does not wait for the worker to start (Chromium still starts it alongside, for the
 * page's later requests: its startup shares the CPU with the navigation); the pass-through worker
 * (no routes) has to be started before the navigation can go on. `routes-only`, a trivial worker
 * with one static route, pays what any static-routed worker pays: the registration lookup, the
 * rules, and the worker Chromium starts alongside. Compared with the same navigation on the
 * origin with no worker.
 *
 * Each variant navigates in its own extra page (the steady-state pages stay as they are), one
 * navigation per variant per round, in an order rotated every round. `tabs` names the variants,
 * in order; `none` (no worker) is the baseline of every ratio.
 */
export async function stoppedNavigation<V extends string>(
  tabs: Record<V | 'none', Tab>,
  rounds: number,
): Promise<StoppedNavigationFigures<V | 'none'>> {
  type K = V | 'none'
  const variants = Object.keys(tabs) as K[]
  const each = <T>(value: (variant: K) => T) =>
    Object.fromEntries(variants.map((variant) => [variant, value(variant)])) as Record<K, T>
  const pages = {} as Record<K, { page: Page; workers: WorkerStopper; origin: string }>
  for (const variant of variants) {
    const page = await tabs[variant].context.newPage()
    const origin = tabs[variant].server.origin
    await page.goto(`${origin}/bench/plain.html`) // warm-up: the connection and the page's process
    pages[variant] = { page, workers: await watchWorkers(page), origin }
  }
  const samples = each((): Sample[] => [])
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
  for (const { page, workers } of Object.values<{ page: Page; workers: WorkerStopper }>(pages)) {
    await workers.detach()
    await page.close()
  }
  const figures = (metric: Metric): MetricFigures<K> => {
    const values = (variant: K) => samples[variant].map((sample) => sample[metric])
    const none = median(values('none'))
    return {
      medianMs: each((variant) => round(median(values(variant)))),
      overNone: each((variant) => round(median(values(variant)) / none)),
      iqrMs: each((variant) => iqr(values(variant))),
    }
  }
  const byMetric = {
    responseEnd: figures('responseEnd'),
    domContentLoaded: figures('domContentLoaded'),
    goto: figures('goto'),
  }
  const route = each((variant) => [...new Set(samples[variant].map((sample) => sample.route))].join(' / '))
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
