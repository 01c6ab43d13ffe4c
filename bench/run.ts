/**
 * `npm run bench`: what the proxy costs next to a bare service worker, and how it compares with the
 * page-side interceptor pattern, measured in one run in headless Chromium. Variants alternate
 * (A B A B …, with the order rotated each round) and every figure is a median or a ratio against a
 * baseline measured in the same run, so a noisy machine does not decide the verdict.
 * `--smoke` runs every measurement with tiny counts, so `npm test` proves the benchmark still works.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { chromium, type Browser, type Page } from '@playwright/test'
import { demoBuildDir } from '../demo/server/demoBuildDir.ts'
import { chromiumLaunchOptions } from '../test-support/chromiumLaunchOptions.ts'
import { concurrentRequests, sequentialRequests } from './apiRequests.ts'
import { startBenchServer, type BenchServer, type Variant } from './benchServer.ts'
import { dpopCost } from './dpopCost.ts'
import { offApiFetches } from './offApiFetches.ts'
import { median, rotate, round } from './stats.ts'
import { stoppedNavigation } from './stoppedNavigation.ts'
import { closeTab, logInThroughWorker, newContext, openVariant, sendsValidToken, type Tab } from './tabs.ts'
import { measureWorkerHeap } from './workerHeap.ts'
import { watchWorkers } from './workerStopper.ts'

const smoke = process.argv.includes('--smoke')
/**
 * `--only=steady`, `--only=cold`, `--only=burst`, `--only=off-api` or `--only=dpop` runs that part
 * alone, to iterate on it quickly; `--only=size` prints the built workers' sizes.
 */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
const counts = smoke
  ? {
      rounds: 2,
      sequential: 20,
      batches: 4,
      offApiRounds: 2,
      offApiFetches: 5,
      stoppedNavigations: 2,
      coldStarts: 2,
      bursts: 1,
      downloadMb: 8,
      downloadRounds: 1,
      memoryRequests: 400,
      refreshSamples: 3,
      signatures: 50,
    }
  : {
      rounds: 9,
      sequential: 200,
      batches: 40,
      offApiRounds: 40,
      offApiFetches: 10,
      stoppedNavigations: 45,
      coldStarts: 31,
      bursts: 9,
      downloadMb: 100,
      downloadRounds: 5,
      memoryRequests: 10_000,
      refreshSamples: 9,
      signatures: 2_000,
    }
const dist = demoBuildDir
const resultsFile = fileURLToPath(
  new URL(smoke ? '../test-results/bench-smoke.json' : './results.json', import.meta.url),
)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Every variant's tab, in the order the off-API measurements take them. */
async function openEveryVariant(browser: Browser): Promise<Record<Variant, Tab>> {
  const variants: Variant[] = ['none', 'passthrough', 'routes-only', 'proxy']
  return Object.fromEntries(
    await Promise.all(variants.map(async (variant) => [variant, await openVariant(browser, variant)] as const)),
  ) as Record<Variant, Tab>
}

/**
 * API requests, measured without `routes-only` (on the API it is the pass-through worker), and
 * against `header-only`: the least a worker that adds the token must do, the proxy's floor on the
 * API path. Answers the off-API variants' tabs, still open, for the measurements that follow.
 */
async function steadyState(browser: Browser) {
  const variants = ['none', 'passthrough', 'header-only', 'proxy', 'proxy-log'] as const
  type SteadyVariant = (typeof variants)[number]
  const [tabs, headerOnly, proxyLog] = await Promise.all([
    openEveryVariant(browser),
    openVariant(browser, 'header-only'),
    openVariant(browser, 'proxy-log'),
  ])
  const tabOf = (variant: SteadyVariant) =>
    variant === 'header-only' ? headerOnly : variant === 'proxy-log' ? proxyLog : tabs[variant]
  const perVariant = () =>
    Object.fromEntries(variants.map((variant) => [variant, [] as number[]])) as Record<SteadyVariant, number[]>
  const sequential = perVariant()
  const concurrent = perVariant()
  try {
    for (const variant of variants) await sequentialRequests(tabOf(variant).page, 20) // warm-up
    for (let r = 0; r < counts.rounds; r++) {
      for (const variant of rotate([...variants], r)) {
        sequential[variant].push(await sequentialRequests(tabOf(variant).page, counts.sequential))
        concurrent[variant].push(await concurrentRequests(tabOf(variant).page, counts.batches))
      }
    }
    const tokensValid = {
      'header-only': await sendsValidToken(headerOnly),
      proxy: await sendsValidToken(tabs.proxy),
      'proxy-log': await sendsValidToken(proxyLog),
    }
    // The log was on: the page received the worker's decisions (two or more per API request).
    const decisionsReceived = await proxyLog.page.evaluate(
      () => (globalThis as unknown as { decisionsReceived: number }).decisionsReceived,
    )
    const summary = (values: Record<SteadyVariant, number[]>) => ({
      medianMs: Object.fromEntries(variants.map((variant) => [variant, round(median(values[variant]))])) as Record<
        SteadyVariant,
        number
      >,
      proxyOverPassthrough: round(median(values.proxy) / median(values.passthrough)),
      /** The proxy against the bare header-adding worker: what is the proxy's own on the API path. */
      proxyOverHeaderOnly: round(median(values.proxy) / median(values['header-only'])),
      /** Median over rounds of each round's proxy/header-only: a cross-check that drift did not make the figure. */
      pairedProxyOverHeaderOnly: round(median(values.proxy.map((ms, r) => ms / values['header-only'][r]!))),
      /** The proxy with its decision log on (the page following it) against the bare header-adding worker. */
      proxyLogOverHeaderOnly: round(median(values['proxy-log']) / median(values['header-only'])),
      pairedProxyLogOverHeaderOnly: round(median(values['proxy-log'].map((ms, r) => ms / values['header-only'][r]!))),
      headerOnlyOverPassthrough: round(median(values['header-only']) / median(values.passthrough)),
      passthroughOverNone: round(median(values.passthrough) / median(values.none)),
    })
    return { sequential: summary(sequential), concurrent16: summary(concurrent), tokensValid, decisionsReceived, tabs }
  } finally {
    await closeTab(headerOnly)
    await closeTab(proxyLog)
  }
}

/**
 * The first API request after the worker was stopped, for the pass-through worker, the
 * `idb-floor` worker (a start, one IndexedDB read, the header) and the proxy, in an order rotated
 * every round. Each stop waits until Chromium reports the worker stopped, then 50 ms more for its
 * teardown (the same for every variant), so that the request meets a stopped worker and not one
 * still stopping.
 */
async function coldStart(browser: Browser, tabs: Pick<Record<Variant, Tab>, 'passthrough' | 'proxy'>) {
  const variants = ['passthrough', 'idb-floor', 'proxy'] as const
  type ColdVariant = (typeof variants)[number]
  const idbFloor = await openVariant(browser, 'idb-floor')
  const tabOf = (variant: ColdVariant) => (variant === 'idb-floor' ? idbFloor : tabs[variant])
  const stoppers = Object.fromEntries(
    await Promise.all(variants.map(async (variant) => [variant, await watchWorkers(tabOf(variant).page)] as const)),
  ) as Record<ColdVariant, Awaited<ReturnType<typeof watchWorkers>>>
  const perVariant = () =>
    Object.fromEntries(variants.map((variant) => [variant, [] as number[]])) as Record<ColdVariant, number[]>
  const times = perVariant()
  const startups = perVariant()
  const handlers = perVariant()
  try {
    // Warm-up: the connection to each origin, and each worker's first start (compiling its script).
    for (const variant of variants)
      await tabOf(variant).page.evaluate(async () => (await fetch('/api/bench/ping')).arrayBuffer())
    for (let i = 0; i < counts.coldStarts; i++) {
      for (const variant of rotate([...variants], i)) {
        await stoppers[variant].stopAll()
        await sleep(50)
        const sample = await tabOf(variant).page.evaluate(async (i) => {
          const url = `/api/bench/ping?cold=${i}`
          performance.clearResourceTimings()
          const start = performance.now()
          await (await fetch(url)).arrayBuffer()
          const ms = performance.now() - start
          // Resource Timing splits it: `workerStart` (the start asked for) to `fetchStart` (the
          // worker ready, its script run, the fetch event dispatched), then the handler's part.
          const entry = performance.getEntriesByType('resource').find((candidate) => candidate.name.endsWith(url)) as
            PerformanceResourceTiming | undefined
          const startup = entry && entry.workerStart > 0 ? entry.fetchStart - entry.workerStart : Number.NaN
          const handler = entry && entry.workerStart > 0 ? entry.responseEnd - entry.fetchStart : Number.NaN
          return { ms, startup, handler }
        }, i)
        times[variant].push(sample.ms)
        startups[variant].push(sample.startup)
        handlers[variant].push(sample.handler)
      }
    }
    const tokensValid = { 'idb-floor': await sendsValidToken(idbFloor), proxy: await sendsValidToken(tabs.proxy) }
    const paired = (over: ColdVariant, op: (a: number, b: number) => number) =>
      round(median(times.proxy.map((ms, i) => op(ms, times[over][i]!))))
    return {
      starts: counts.coldStarts,
      medianMs: Object.fromEntries(variants.map((variant) => [variant, round(median(times[variant]))])) as Record<
        ColdVariant,
        number
      >,
      /**
       * The same requests split by Resource Timing: the worker's start (`workerStart` to
       * `fetchStart`: starting the worker and running its script) and the rest (`fetchStart` to
       * `responseEnd`: the fetch handler, the IndexedDB read included, and the network). Medians;
       * `null` where the browser reported no worker start.
       */
      breakdownMs: Object.fromEntries(
        variants.map((variant) => [
          variant,
          { workerStartup: finiteMedian(startups[variant]), handlerToResponse: finiteMedian(handlers[variant]) },
        ]),
      ) as Record<ColdVariant, { workerStartup: number | null; handlerToResponse: number | null }>,
      /** The proxy against a worker that only starts, reads one IndexedDB record and adds the header. */
      proxyOverIdbFloor: round(median(times.proxy) / median(times['idb-floor'])),
      /** Median over rounds of each round's proxy/idb-floor. */
      pairedProxyOverIdbFloor: paired('idb-floor', (a, b) => a / b),
      proxyAddedOverIdbFloorMs: paired('idb-floor', (a, b) => a - b),
      idbFloorAddedMs: round(median(times['idb-floor'].map((ms, i) => ms - times.passthrough[i]!))),
      /** Median over rounds of (proxy − passthrough), as before the floor existed. */
      proxyAddedMs: paired('passthrough', (a, b) => a - b),
      tokensValid,
    }
  } finally {
    for (const stopper of Object.values(stoppers)) await stopper.detach()
    await closeTab(idbFloor)
  }
}

function finiteMedian(values: number[]): number | null {
  const finite = values.filter(Number.isFinite)
  return finite.length ? round(median(finite), 1) : null
}

/** 5 tabs × 20 concurrent requests; answers the wall time and what the servers saw. */
async function burst(tabs: Page[], send: (page: Page, tab: number) => Promise<number[]>, server: BenchServer) {
  const start = performance.now()
  const statuses = (await Promise.all(tabs.map((page, t) => send(page, t)))).flat()
  return {
    ms: performance.now() - start,
    ok: statuses.filter((status) => status === 200).length,
    refreshCalls: server.refreshControl.attempts,
    server401s: server.api.records.filter((record) => record.status === 401).length,
    reuseDetections: server.auth.counters.reuseDetections,
  }
}

const viaWorker = (page: Page, tab: number) =>
  page.evaluate(async (tab) => {
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
    return Promise.all(
      Array.from(
        { length: 20 },
        async (_, i) =>
          (await fetch(`/api/burst/${tab}/${i}`, { method: methods[i % 5]!, body: i % 5 ? `${tab}:${i}` : undefined }))
            .status,
      ),
    )
  }, tab)

/** The pattern most apps use today: each tab wraps fetch, refreshes on a 401 and retries once. */
const viaInterceptor = (page: Page, tab: number) =>
  page.evaluate(async (tab) => {
    type Tokens = { access_token: string; refresh_token?: string }
    const state = window as unknown as { refreshing?: Promise<boolean> }
    const send = (url: string, init: RequestInit) =>
      fetch(url, { ...init, headers: { Authorization: `Bearer ${localStorage.getItem('access') ?? ''}` } })
    const refresh = async () => {
      const response = await fetch('/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: localStorage.getItem('refresh') ?? '',
          client_id: 'spa',
        }),
      })
      if (!response.ok) return false
      const tokens = (await response.json()) as Tokens
      localStorage.setItem('access', tokens.access_token)
      if (tokens.refresh_token) localStorage.setItem('refresh', tokens.refresh_token)
      return true
    }
    const apiFetch = async (url: string, init: RequestInit) => {
      const response = await send(url, init)
      if (response.status !== 401) return response
      state.refreshing ??= refresh().finally(() => setTimeout(() => (state.refreshing = undefined)))
      return (await state.refreshing) ? send(url, init) : response
    }
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
    return Promise.all(
      Array.from(
        { length: 20 },
        async (_, i) =>
          (
            await apiFetch(`/api/burst/${tab}/${i}`, {
              method: methods[i % 5]!,
              body: i % 5 ? `${tab}:${i}` : undefined,
            })
          ).status,
      ),
    )
  }, tab)

async function openTabs(browser: Browser, variant: Variant, accessTtlSeconds: number) {
  const server = await startBenchServer(variant, dist, { accessTtlSeconds, rotation: 'strict' })
  const context = await newContext(browser)
  const pages = await Promise.all(Array.from({ length: 5 }, () => context.newPage()))
  for (const page of pages) {
    await page.goto(`${server.origin}/bench/page.html`)
    await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'yes')
  }
  return { server, context, pages }
}

type BurstKind = 'proxyValid' | 'proxyExpired' | 'interceptorExpired'

/** Logs in the way each kind of app does: through the worker, or keeping the tokens in the page. */
async function logInFor(kind: BurstKind, page: Page): Promise<void> {
  if (kind !== 'interceptorExpired') return logInThroughWorker(page)
  await page.evaluate(async () => {
    const tokens = (await (
      await fetch('/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"username":"demo","password":"demo"}',
      })
    ).json()) as { access_token: string; refresh_token: string }
    localStorage.setItem('access', tokens.access_token)
    localStorage.setItem('refresh', tokens.refresh_token)
  })
}

/** One refresh round trip on this machine, measured from a page: the yardstick for the target. */
function refreshRoundTrips(page: Page, samples: number): Promise<number[]> {
  return page.evaluate(async (samples) => {
    const times: number[] = []
    const login = (await (
      await fetch('/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"username":"demo","password":"demo"}',
      })
    ).json()) as { refresh_token: string }
    let refreshToken = login.refresh_token
    for (let i = 0; i < samples; i++) {
      const start = performance.now()
      const response = await fetch('/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'spa' }),
      })
      refreshToken = ((await response.json()) as { refresh_token: string }).refresh_token
      times.push(performance.now() - start)
    }
    return times
  }, samples)
}

/**
 * Each round sets up the three kinds side by side (fresh servers and tabs), logs them in, waits
 * once for the short-lived tokens to die, then runs the three bursts one after another, in an
 * order rotated every round.
 */
async function expiryBurst(browser: Browser) {
  const kinds: BurstKind[] = ['proxyValid', 'proxyExpired', 'interceptorExpired']
  const runs: Record<BurstKind, Array<Awaited<ReturnType<typeof burst>>>> = {
    proxyValid: [],
    proxyExpired: [],
    interceptorExpired: [],
  }
  const roundTrips: number[] = []
  for (let b = 0; b < counts.bursts; b++) {
    const setups = await Promise.all(
      kinds.map(async (kind) => {
        const setup = await openTabs(
          browser,
          kind === 'interceptorExpired' ? 'none' : 'proxy',
          kind === 'proxyValid' ? 300 : 2,
        )
        await logInFor(kind, setup.pages[0]!)
        // Warm every tab's path first, so warm workers are compared with warm workers.
        await Promise.all(
          setup.pages.map((page) =>
            page.evaluate(async () =>
              Promise.all(Array.from({ length: 5 }, async () => (await fetch('/api/bench/ping')).arrayBuffer())),
            ),
          ),
        )
        return [kind, setup] as const
      }),
    )
    // The server rounds a JWT's `exp` up to the next second: wait until the tokens are dead there.
    await sleep(3_200)
    for (const kind of rotate(kinds, b)) {
      const { server, pages } = setups.find(([candidate]) => candidate === kind)![1]
      runs[kind].push(await burst(pages, kind === 'interceptorExpired' ? viaInterceptor : viaWorker, server))
    }
    const [, interceptor] = setups.find(([kind]) => kind === 'interceptorExpired')!
    roundTrips.push(...(await refreshRoundTrips(interceptor.pages[0]!, counts.refreshSamples)))
    for (const [, { context, server }] of setups) {
      await context.close()
      await server.close()
    }
  }
  const summarize = (list: Array<Awaited<ReturnType<typeof burst>>>) => ({
    medianMs: round(median(list.map((run) => run.ms)), 1),
    refreshCalls: median(list.map((run) => run.refreshCalls)),
    server401s: median(list.map((run) => run.server401s)),
    succeeded: median(list.map((run) => run.ok)),
    reuseDetections: median(list.map((run) => run.reuseDetections)),
  })
  const added = runs.proxyExpired.map((run, i) => run.ms - runs.proxyValid[i]!.ms)
  return {
    rounds: counts.bursts,
    proxyExpired: summarize(runs.proxyExpired),
    proxyValid: summarize(runs.proxyValid),
    interceptorExpired: summarize(runs.interceptorExpired),
    refreshRoundTripMs: round(median(roundTrips), 1),
    /** Median over rounds of (expired − valid) for the proxy: what one expiry costs the burst. */
    proxyAddedByExpiryMs: round(median(added), 1),
    proxyAddedSpreadMs: [round(Math.min(...added), 1), round(Math.max(...added), 1)],
  }
}

async function streaming(tabs: Record<Variant, Tab>) {
  const bytes = counts.downloadMb * 1024 * 1024
  const throughput: Record<'passthrough' | 'proxy', number[]> = { passthrough: [], proxy: [] }
  for (let r = 0; r < counts.downloadRounds; r++) {
    for (const variant of rotate(['passthrough', 'proxy'] as const, r)) {
      const seconds = await tabs[variant].page.evaluate(async (bytes) => {
        const start = performance.now()
        const reader = (await fetch(`/api/bench/download?bytes=${bytes}`)).body!.getReader()
        let received = 0
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
          received += chunk.value.byteLength
        if (received !== bytes) throw new Error(`received ${received} of ${bytes} bytes`)
        return (performance.now() - start) / 1000
      }, bytes)
      throughput[variant].push(counts.downloadMb / seconds)
    }
  }
  const firstChunkWhileSending: Record<'passthrough' | 'proxy', boolean> = { passthrough: false, proxy: false }
  for (const variant of ['passthrough', 'proxy'] as const) {
    const { page, server } = tabs[variant]
    const finishedBefore = server.api.streamsFinished
    await page.evaluate(async () => {
      const reader = (await fetch('/api/bench/stream')).body!.getReader()
      await reader.read()
      ;(window as unknown as { reader: ReadableStreamDefaultReader<Uint8Array> }).reader = reader
    })
    firstChunkWhileSending[variant] = server.api.streamsFinished === finishedBefore
    server.api.releaseStreams()
    await page.evaluate(async () => {
      const reader = (window as unknown as { reader: ReadableStreamDefaultReader<Uint8Array> }).reader
      while (!(await reader.read()).done);
    })
  }
  return {
    downloadMb: counts.downloadMb,
    medianMBps: { passthrough: round(median(throughput.passthrough), 1), proxy: round(median(throughput.proxy), 1) },
    proxyOverPassthrough: round(median(throughput.proxy) / median(throughput.passthrough)),
    firstChunkWhileSending,
  }
}

async function memory(browser: Browser, tab: Tab) {
  const send = (count: number) =>
    tab.page.evaluate(async (count) => {
      for (let i = 0; i < count; i += 16)
        await Promise.all(
          Array.from({ length: Math.min(16, count - i) }, async () => (await fetch('/api/bench/ping')).arrayBuffer()),
        )
    }, count)
  await send(200)
  const before = await measureWorkerHeap(browser, tab.server.origin)
  await send(counts.memoryRequests)
  const after = await measureWorkerHeap(browser, tab.server.origin)
  return {
    requests: counts.memoryRequests,
    heapBeforeKB: round(before / 1024, 1),
    heapAfterKB: round(after / 1024, 1),
    growthKB: round((after - before) / 1024, 1),
  }
}

/** Every built worker (`demo/dist/sw*.js`), by file name: bytes, and bytes gzipped (level 9). */
function workerSizes(): Record<string, { bytes: number; gzipBytes: number }> {
  const files = readdirSync(dist)
    .filter((file) => /^sw.*\.js$/.test(file))
    .sort()
  if (!files.includes('sw.js')) throw new Error(`[sw-token-proxy bench] No ${dist}/sw.js: run vite build first.`)
  return Object.fromEntries(
    files.map((file) => {
      const script = readFileSync(`${dist}/${file}`)
      return [file, { bytes: script.byteLength, gzipBytes: gzipSync(script, { level: 9 }).byteLength }]
    }),
  )
}

const sizeRows = (sizes: ReturnType<typeof workerSizes>): Array<[string, string]> =>
  Object.entries(sizes).map(([file, size]) => [
    `worker size, ${file}`,
    `${size.bytes} bytes, ${size.gzipBytes} bytes gzipped (${round(size.gzipBytes / 1024, 1)} KB)`,
  ])

if (only === 'size') {
  const sizes = workerSizes()
  for (const [label, value] of sizeRows(sizes)) console.log(`${label}  ${value}`)
  console.log(JSON.stringify(sizes, null, 2))
  process.exit(0)
}

const browser = await chromium.launch({
  ...chromiumLaunchOptions,
  args: [...(chromiumLaunchOptions.args ?? []), '--js-flags=--expose-gc'],
})
try {
  const started = performance.now()
  // The machine may be shared: its load at the start and the end says how far to trust the run.
  const loadAtStart = loadavg()[0]!
  if (only === 'steady') {
    const { tabs, ...figures } = await steadyState(browser)
    for (const tab of Object.values(tabs)) await closeTab(tab)
    console.log(JSON.stringify({ ...figures, loadAverage: [loadAtStart, loadavg()[0]] }, null, 2))
    process.exit(0)
  }
  if (only === 'cold') {
    const tabs = { passthrough: await openVariant(browser, 'passthrough'), proxy: await openVariant(browser, 'proxy') }
    const figures = await coldStart(browser, tabs)
    for (const tab of Object.values(tabs)) await closeTab(tab)
    console.log(JSON.stringify({ ...figures, loadAverage: [loadAtStart, loadavg()[0]] }, null, 2))
    process.exit(0)
  }
  if (only === 'burst') {
    console.log(JSON.stringify(await expiryBurst(browser), null, 2))
    process.exit(0)
  }
  if (only === 'dpop') {
    console.log(JSON.stringify(await dpopCost(browser, counts), null, 2))
    process.exit(0)
  }
  if (only === 'off-api') {
    const tabs = await openEveryVariant(browser)
    console.log(
      JSON.stringify(
        {
          fetches: await offApiFetches(tabs, counts.offApiRounds, counts.offApiFetches),
          navigation: await stoppedNavigation(tabs, counts.stoppedNavigations),
        },
        null,
        2,
      ),
    )
    process.exit(0)
  }
  const steady = await steadyState(browser)
  const dpop = await dpopCost(browser, counts)
  // Off the API, while the steady-state workers are still warm; the navigations stop them.
  const offApi = {
    fetches: await offApiFetches(steady.tabs, counts.offApiRounds, counts.offApiFetches),
    navigation: await stoppedNavigation(steady.tabs, counts.stoppedNavigations),
  }
  const cold = await coldStart(browser, steady.tabs)
  const streams = await streaming(steady.tabs)
  const heap = await memory(browser, steady.tabs.proxy)
  for (const tab of Object.values(steady.tabs)) await closeTab(tab)
  const expiry = await expiryBurst(browser)
  const sizes = workerSizes()
  const size = sizes['sw.js']!
  const { tabs: _tabs, ...steadyFigures } = steady

  const overFloor = (medianMs: Record<'proxy' | 'routes-only', number>) => medianMs.proxy / medianMs['routes-only']
  const targets = {
    'steady sequential: proxy/passthrough ≤ 1.05': steadyFigures.sequential.proxyOverPassthrough <= 1.05,
    'steady 16-concurrent: proxy/passthrough ≤ 1.05': steadyFigures.concurrent16.proxyOverPassthrough <= 1.05,
    // What is ours on the API path: the proxy against a worker that only adds a token it holds.
    'steady sequential: proxy/header-only ≤ 1.05': steadyFigures.sequential.proxyOverHeaderOnly <= 1.05,
    'steady 16-concurrent: proxy/header-only ≤ 1.05': steadyFigures.concurrent16.proxyOverHeaderOnly <= 1.05,
    'steady sequential: proxy(log on)/header-only ≤ 1.10': steadyFigures.sequential.proxyLogOverHeaderOnly <= 1.1,
    'steady 16-concurrent: proxy(log on)/header-only ≤ 1.10': steadyFigures.concurrent16.proxyLogOverHeaderOnly <= 1.1,
    'steady: the header-only worker and the proxy (log off and on) sent a token the server accepted':
      steadyFigures.tokensValid['header-only'] &&
      steadyFigures.tokensValid.proxy &&
      steadyFigures.tokensValid['proxy-log'],
    'steady: with the log on, the page received the decisions': steadyFigures.decisionsReceived > 0,
    'off the API, asset fetch, warm worker: proxy/no worker ≤ 1.05': offApi.fetches.asset.overNone.proxy <= 1.05,
    'off the API, JSON fetch, warm worker: proxy/no worker ≤ 1.05': offApi.fetches.json.overNone.proxy <= 1.05,
    [`off the API, navigation, worker stopped (${offApi.navigation.metric}): proxy/no worker ≤ 1.05`]:
      offApi.navigation.overNone.proxy <= 1.05,
    // What is ours: the proxy against the cheapest worker that also has static routes and a fetch
    // handler. The rest of the gap to no worker is Chromium's cost of such a worker (see README).
    'off the API, asset fetch: proxy/routes-only ≤ 1.05': overFloor(offApi.fetches.asset.medianMs) <= 1.05,
    'off the API, JSON fetch: proxy/routes-only ≤ 1.05': overFloor(offApi.fetches.json.medianMs) <= 1.05,
    'off the API, navigation, worker stopped: proxy/routes-only ≤ 1.05': overFloor(offApi.navigation.medianMs) <= 1.05,
    'off the API: every proxy (and routes-only) fetch and navigation took its static route to the network': (
      ['proxy', 'routes-only'] as const
    ).every((variant) =>
      [offApi.fetches.asset.route, offApi.fetches.json.route, offApi.navigation.route].every(
        (route) => route[variant] === 'static route: network',
      ),
    ),
    'cold start: proxy adds ≤ 10 ms': cold.proxyAddedMs <= 10,
    // What is ours at a worker start: the proxy against a start, one IndexedDB read and the header.
    'cold start: proxy/idb-floor ≤ 1.05': cold.proxyOverIdbFloor <= 1.05,
    'cold start: the idb-floor worker and the proxy sent a token the server accepted':
      cold.tokensValid['idb-floor'] && cold.tokensValid.proxy,
    'expiry burst: exactly 1 refresh, 0 401s':
      expiry.proxyExpired.refreshCalls === 1 && expiry.proxyExpired.server401s === 0,
    'expiry burst: done within one refresh round trip of no expiry':
      expiry.proxyAddedByExpiryMs <= expiry.refreshRoundTripMs,
    'streaming: throughput ≥ 0.95 of passthrough': streams.proxyOverPassthrough >= 0.95,
    'streaming: first chunk while the server is still sending': streams.firstChunkWhileSending.proxy,
    'memory: heap growth over the run < 1 MB': heap.growthKB < 1024,
    'size: worker ≤ 12 KB gzipped': size.gzipBytes <= 12 * 1024,
    'DPoP: the API requests went out as DPoP with a verified proof': dpop.dpopVerified,
  }
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: round(totalmem() / 1024 ** 3, 0),
    chromium: browser.version(),
    node: process.version,
    loadAverage1m: { start: round(loadAtStart, 2), end: round(loadavg()[0]!, 2) },
  }
  const results = {
    date: new Date().toISOString(),
    smoke,
    machine,
    counts,
    steady: steadyFigures,
    dpop,
    offApi,
    coldStart: cold,
    expiryBurst: expiry,
    streaming: streams,
    memory: heap,
    size,
    /** Every built worker, `sw.js` (the one measured above) among them. */
    workerSizes: sizes,
    targets,
    seconds: round((performance.now() - started) / 1000, 1),
  }
  mkdirSync(fileURLToPath(new URL('.', `file://${resultsFile}`)), { recursive: true })
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`)

  /** Off-API figures: every variant's ms, each worker against no worker, and the proxy against the floor. */
  const offApiColumns = 'none · passthrough · routes-only · proxy'
  const offApiRow = (figures: { medianMs: Record<Variant, number>; overNone: Record<Variant, number> }) =>
    `${figures.medianMs.none} · ${figures.medianMs.passthrough} · ${figures.medianMs['routes-only']} · ${figures.medianMs.proxy}  → proxy/none ${figures.overNone.proxy}, routes-only/none ${figures.overNone['routes-only']}, proxy/routes-only ${round(figures.medianMs.proxy / figures.medianMs['routes-only'])} (passthrough/none ${figures.overNone.passthrough})`
  const offApiRoutes = (variant: Variant) =>
    [...new Set([offApi.fetches.asset.route[variant], offApi.fetches.json.route[variant]])].join(' / ')
  const rows: Array<[string, string]> = [
    [
      'machine',
      `${machine.cpu}, ${machine.cores} cores, Chromium ${machine.chromium}; load average (1 min) ${machine.loadAverage1m.start} at the start, ${machine.loadAverage1m.end} at the end`,
    ],
    ...(
      [
        ['sequential ms/request', steadyFigures.sequential],
        ['16 concurrent ms/batch', steadyFigures.concurrent16],
      ] as const
    ).map(([label, figures]): [string, string] => [
      `${label} (none · passthrough · header-only · proxy · proxy, log on)`,
      `${figures.medianMs.none} · ${figures.medianMs.passthrough} · ${figures.medianMs['header-only']} · ${figures.medianMs.proxy} · ${figures.medianMs['proxy-log']}  → proxy(log off)/bare ${figures.proxyOverHeaderOnly} (paired ${figures.pairedProxyOverHeaderOnly}), proxy(log on)/bare ${figures.proxyLogOverHeaderOnly} (paired ${figures.pairedProxyLogOverHeaderOnly}), proxy/passthrough ${figures.proxyOverPassthrough}`,
    ]),
    [
      'DPoP sequential ms/request (bearer · DPoP)',
      `${dpop.sequential.medianMs.bearer} · ${dpop.sequential.medianMs.dpop}  → DPoP/bearer ${dpop.sequential.dpopOverBearer} (+${dpop.sequential.dpopAddedMs} ms)`,
    ],
    [
      'DPoP 16 concurrent ms/batch (bearer · DPoP)',
      `${dpop.concurrent16.medianMs.bearer} · ${dpop.concurrent16.medianMs.dpop}  → DPoP/bearer ${dpop.concurrent16.dpopOverBearer} (+${dpop.concurrent16.dpopAddedMs} ms)`,
    ],
    [
      'DPoP signing per request, ms',
      `${dpop.signing.perProofMs} (ECDSA P-256 sign ${dpop.signing.signMs} + ath SHA-256 ${dpop.signing.athMs}, WebCrypto in the worker)`,
    ],
    ...(['asset', 'json'] as const).map((kind): [string, string] => {
      const figures = offApi.fetches[kind]
      return [`off-API fetch ${figures.path}, ms (${offApiColumns})`, offApiRow(figures)]
    }),
    [`navigation, worker stopped, ms: ${offApi.navigation.metric} (the target)`, offApiRow(offApi.navigation)],
    ...(['domContentLoaded', 'goto'] as const).map((metric): [string, string] => {
      const figures = offApi.navigation.byMetric[metric]
      return [
        `  the same navigations: ${metric === 'goto' ? 'page.goto wall time' : 'domContentLoadedEventEnd'}`,
        offApiRow(figures),
      ]
    }),
    [
      '  noise, IQR ms (responseEnd · DCL · goto)',
      `${(['responseEnd', 'domContentLoaded', 'goto'] as const).map((metric) => round(median(Object.values(offApi.navigation.byMetric[metric].iqrMs)), 1)).join(' · ')} (median over the variants)`,
    ],
    [
      'off-API routes (passthrough · routes-only · proxy)',
      `fetches ${offApiRoutes('passthrough')} · ${offApiRoutes('routes-only')} · ${offApiRoutes('proxy')}; navigation ${offApi.navigation.route.passthrough} · ${offApi.navigation.route['routes-only']} · ${offApi.navigation.route.proxy}`,
    ],
    [
      `cold start ms, ${cold.starts} starts (passthrough · idb-floor · proxy)`,
      `${cold.medianMs.passthrough} · ${cold.medianMs['idb-floor']} · ${cold.medianMs.proxy}  → proxy/idb-floor ${cold.proxyOverIdbFloor} (paired ${cold.pairedProxyOverIdbFloor}, +${cold.proxyAddedOverIdbFloorMs} ms); proxy adds ${cold.proxyAddedMs} ms to passthrough`,
    ],
    [
      '  the same starts, Resource Timing ms: worker start · handler to response',
      (['passthrough', 'idb-floor', 'proxy'] as const)
        .map(
          (variant) =>
            `${variant} ${cold.breakdownMs[variant].workerStartup} · ${cold.breakdownMs[variant].handlerToResponse}`,
        )
        .join(', '),
    ],
    [
      'expiry burst, proxy',
      `${expiry.proxyExpired.refreshCalls} refresh, ${expiry.proxyExpired.server401s} 401s, ${expiry.proxyExpired.succeeded}/100 ok, ${expiry.proxyExpired.medianMs} ms (no expiry: ${expiry.proxyValid.medianMs} ms)`,
    ],
    [
      'expiry burst, cost of the expiry',
      `${expiry.proxyAddedByExpiryMs} ms median over ${expiry.rounds} rounds (spread ${expiry.proxyAddedSpreadMs.join(' to ')} ms); one refresh round trip: ${expiry.refreshRoundTripMs} ms`,
    ],
    [
      'expiry burst, page interceptor',
      `${expiry.interceptorExpired.refreshCalls} refreshes, ${expiry.interceptorExpired.server401s} 401s, ${expiry.interceptorExpired.succeeded}/100 ok, ${expiry.interceptorExpired.reuseDetections} reuse detections, ${expiry.interceptorExpired.medianMs} ms`,
    ],
    [
      `download ${streams.downloadMb} MB, MB/s (passthrough · proxy)`,
      `${streams.medianMBps.passthrough} · ${streams.medianMBps.proxy}  → proxy/passthrough ${streams.proxyOverPassthrough}`,
    ],
    [
      'slow stream: first chunk while server sends',
      `passthrough ${streams.firstChunkWhileSending.passthrough}, proxy ${streams.firstChunkWhileSending.proxy}`,
    ],
    [
      `worker heap, ${heap.requests} requests`,
      `${heap.heapBeforeKB} KB → ${heap.heapAfterKB} KB (growth ${heap.growthKB} KB)`,
    ],
    ...sizeRows(sizes),
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  console.log(
    `\nsw-token-proxy benchmark${smoke ? ' (smoke run: tiny counts, figures not meaningful)' : ''}, ${results.seconds} s\n`,
  )
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`)
  console.log(
    `\nnavigation figure: Navigation Timing ${offApi.navigation.metric} (start of the navigation to the page's last byte), the least noisy in ms of the three (IQR above)`,
  )
  console.log('\ntargets:')
  for (const [target, met] of Object.entries(targets)) console.log(`  ${met ? 'met    ' : 'NOT MET'}  ${target}`)
  console.log(`\nresults: ${resultsFile}`)
  console.log(`proxy/passthrough median ratio: ${steadyFigures.sequential.proxyOverPassthrough}`)
} finally {
  await browser.close()
}
