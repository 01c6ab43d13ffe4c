import { readFileSync } from 'node:fs'
import { defineLoader } from 'vitepress'

/** One line of the figures table: what was measured, and the result of the last `npm run bench`. */
export interface Row {
  measurement: string
  result: string
}

/** What the Performance page shows, read from `bench/results.json` when the site is built. */
export interface BenchData {
  date: string
  smoke: boolean
  machine: string
  seconds: number | undefined
  rows: Row[]
  targets: { name: string; met: boolean }[]
}

type Variants = Record<string, number>
interface Results {
  date: string
  smoke?: boolean
  seconds?: number
  machine: {
    cpu: string
    cores: number
    memoryGB: number
    chromium: string
    node: string
    loadAverage1m?: { start: number; end: number }
  }
  steady?: Record<'sequential' | 'concurrent16', { medianMs: Variants; proxyOverPassthrough: number }>
  dpop?: {
    sequential: { medianMs: Variants; dpopOverBearer: number; dpopAddedMs: number }
    concurrent16: { medianMs: Variants; dpopOverBearer: number }
    signing: { signMs: number; athMs: number; perProofMs: number }
  }
  offApi?: {
    fetches: Record<'asset' | 'json', { path: string; medianMs: Variants; overNone: Variants }>
    navigation: { metric: string; medianMs: Variants; overNone: Variants }
  }
  coldStart?: { medianMs: Variants; proxyAddedMs: number }
  expiryBurst?: {
    proxyExpired: Burst
    interceptorExpired: Burst
    refreshRoundTripMs: number
    proxyAddedByExpiryMs: number
  }
  streaming?: { downloadMb: number; medianMBps: Variants; proxyOverPassthrough: number }
  memory?: { requests: number; heapBeforeKB: number; heapAfterKB: number; growthKB: number }
  size?: { bytes: number; gzipBytes: number }
  targets?: Record<string, boolean>
}
interface Burst {
  refreshCalls: number
  server401s: number
  succeeded: number
  reuseDetections: number
}

const ms = (values: Variants, names: string[]): string => names.map((name) => values[name] ?? '–').join(' · ')
const burst = (b: Burst): string =>
  `${b.refreshCalls} refresh${b.refreshCalls === 1 ? '' : 'es'}, ${b.server401s} 401s, ${b.succeeded} of the requests succeeded, ${b.reuseDetections} reuse detection${b.reuseDetections === 1 ? '' : 's'}`

/** The figures of one benchmark run as table rows; a section the run did not measure is left out. */
export function rowsOf(results: Results): Row[] {
  const rows: Row[] = []
  const { steady, dpop, offApi, coldStart, expiryBurst, streaming, memory, size } = results
  if (steady) {
    rows.push({
      measurement: 'sequential API requests, ms each (none · pass-through · proxy)',
      result: `${ms(steady.sequential.medianMs, ['none', 'passthrough', 'proxy'])}: proxy/pass-through ${steady.sequential.proxyOverPassthrough}`,
    })
    rows.push({
      measurement: '16 concurrent API requests, ms per batch',
      result: `${ms(steady.concurrent16.medianMs, ['none', 'passthrough', 'proxy'])}: proxy/pass-through ${steady.concurrent16.proxyOverPassthrough}`,
    })
  }
  if (dpop) {
    rows.push({
      measurement: 'DPoP: sequential, ms each (bearer · DPoP)',
      result: `${ms(dpop.sequential.medianMs, ['bearer', 'dpop'])}: DPoP/bearer ${dpop.sequential.dpopOverBearer} (+${dpop.sequential.dpopAddedMs} ms)`,
    })
    rows.push({
      measurement: 'DPoP: 16 concurrent, ms per batch',
      result: `${ms(dpop.concurrent16.medianMs, ['bearer', 'dpop'])}: DPoP/bearer ${dpop.concurrent16.dpopOverBearer}`,
    })
    rows.push({
      measurement: "DPoP: one proof's crypto in the worker, ms",
      result: `ECDSA P-256 sign ${dpop.signing.signMs} + ath SHA-256 ${dpop.signing.athMs} = ${dpop.signing.perProofMs}`,
    })
  }
  if (offApi) {
    const variants = ['none', 'passthrough', 'routes-only', 'proxy']
    for (const [label, fetch] of [
      ['asset', offApi.fetches.asset],
      ['JSON', offApi.fetches.json],
    ] as const)
      rows.push({
        measurement: `off the API: ${label} fetch (${fetch.path}), warm worker, ms (none · pass-through · routes-only · proxy)`,
        result: `${ms(fetch.medianMs, variants)}: proxy/none ${fetch.overNone['proxy']}, routes-only/none ${fetch.overNone['routes-only']}`,
      })
    rows.push({
      measurement: `off the API: navigation with the worker stopped, ${offApi.navigation.metric} ms`,
      result: `${ms(offApi.navigation.medianMs, variants)}: proxy/none ${offApi.navigation.overNone['proxy']}, routes-only/none ${offApi.navigation.overNone['routes-only']}`,
    })
  }
  if (coldStart)
    rows.push({
      measurement: 'cold start (first request after the worker was stopped), ms',
      result: `pass-through ${coldStart.medianMs['passthrough']}, proxy ${coldStart.medianMs['proxy']}: +${coldStart.proxyAddedMs} ms`,
    })
  if (expiryBurst) {
    rows.push({
      measurement: 'expiry burst, 5 tabs × 20 concurrent requests just after expiry: proxy',
      result: burst(expiryBurst.proxyExpired),
    })
    rows.push({
      measurement: 'the same burst: page-side interceptor (each tab refreshes on 401 and retries)',
      result: burst(expiryBurst.interceptorExpired),
    })
    rows.push({
      measurement: "what the expiry costs the proxy's burst (median of paired rounds)",
      result: `${expiryBurst.proxyAddedByExpiryMs} ms; one refresh round trip is ${expiryBurst.refreshRoundTripMs} ms`,
    })
  }
  if (streaming)
    rows.push({
      measurement: `${streaming.downloadMb} MB download, MB/s (pass-through · proxy)`,
      result: `${ms(streaming.medianMBps, ['passthrough', 'proxy'])}: ${streaming.proxyOverPassthrough}`,
    })
  if (memory)
    rows.push({
      measurement: `worker heap before/after ${memory.requests.toLocaleString('en')} requests (after GC)`,
      result: `${memory.heapBeforeKB} KB → ${memory.heapAfterKB} KB (+${memory.growthKB} KB)`,
    })
  if (size)
    rows.push({
      measurement: "worker script (the demo's plain worker)",
      result: `${size.bytes.toLocaleString('en')} bytes, ${(size.gzipBytes / 1024).toFixed(1)} KB gzipped`,
    })
  return rows
}

export function benchData(results: Results): BenchData {
  const { machine } = results
  const load = machine.loadAverage1m
  return {
    date: results.date,
    smoke: results.smoke ?? false,
    machine: `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, Chromium ${machine.chromium}, Node ${machine.node}${load ? `, 1-minute load average ${load.start} at the start and ${load.end} at the end` : ''}`,
    seconds: results.seconds,
    rows: rowsOf(results),
    targets: Object.entries(results.targets ?? {}).map(([name, met]) => ({ name, met })),
  }
}

declare const data: BenchData
export { data }

export default defineLoader({
  watch: ['../bench/results.json'],
  load(files: string[]): BenchData {
    const [file] = files
    if (file === undefined) throw new Error('bench/results.json is missing: run npm run bench')
    return benchData(JSON.parse(readFileSync(file, 'utf8')) as Results)
  },
})
