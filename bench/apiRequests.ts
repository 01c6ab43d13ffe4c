import type { Page } from '@playwright/test'

/** The API path the steady-state figures measure: a tiny answer, the same server work with or without a token. */
const PING = '/api/bench/ping'

/** Median milliseconds per request, `count` requests to the API one after another. */
export function sequentialRequests(page: Page, count: number): Promise<number> {
  return page.evaluate(
    async ([path, count]) => {
      const times: number[] = []
      for (let i = 0; i < count; i++) {
        const start = performance.now()
        await (await fetch(path)).arrayBuffer()
        times.push(performance.now() - start)
      }
      times.sort((a, b) => a - b)
      return times[Math.floor(times.length / 2)]!
    },
    [PING, count] as const,
  )
}

/** Median milliseconds per batch of 16 concurrent requests to the API. */
export function concurrentRequests(page: Page, batches: number): Promise<number> {
  return page.evaluate(
    async ([path, batches]) => {
      const times: number[] = []
      for (let b = 0; b < batches; b++) {
        const start = performance.now()
        await Promise.all(Array.from({ length: 16 }, async () => (await fetch(path)).arrayBuffer()))
        times.push(performance.now() - start)
      }
      times.sort((a, b) => a - b)
      return times[Math.floor(times.length / 2)]!
    },
    [PING, batches] as const,
  )
}
