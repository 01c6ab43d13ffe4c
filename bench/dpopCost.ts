import type { Browser, Page, Worker } from '@playwright/test'
import { concurrentRequests, sequentialRequests } from './apiRequests.ts'
import { median, rotate, round } from './stats.ts'
import { closeTab, openVariant } from './tabs.ts'

export interface DpopCostCounts {
  rounds: number
  sequential: number
  batches: number
  /** How many signatures (and `ath` hashes) the signing measurement times. */
  signatures: number
}

/**
 * What DPoP (`dpop: true`) costs on the API path: the same requests through the proxy with a
 * bearer token and through the proxy with a DPoP-bound token (a fresh proof per request), in one
 * run, alternating, with the order rotated every round. The server does the same work for both (the
 * benchmark endpoints check no token), so the difference is the worker's: making and signing the
 * proof, and the larger request.
 *
 * Also times, inside the DPoP tab's service worker, the WebCrypto work each proof needs: one ECDSA
 * P-256 signature with a non-extractable key (as the session's) and one SHA-256 of an access token
 * (`ath`).
 */
export async function dpopCost(browser: Browser, counts: DpopCostCounts) {
  const tabs = { bearer: await openVariant(browser, 'proxy'), dpop: await openVariant(browser, 'dpop') }
  try {
    const kinds = ['bearer', 'dpop'] as const
    const sequential = { bearer: [] as number[], dpop: [] as number[] }
    const concurrent = { bearer: [] as number[], dpop: [] as number[] }
    for (const kind of kinds) await sequentialRequests(tabs[kind].page, 20) // warm-up
    for (let r = 0; r < counts.rounds; r++) {
      for (const kind of rotate([...kinds], r)) {
        sequential[kind].push(await sequentialRequests(tabs[kind].page, counts.sequential))
        concurrent[kind].push(await concurrentRequests(tabs[kind].page, counts.batches))
      }
    }
    // The benchmark endpoints record nothing; one ordinary API call shows what the DPoP tab sends.
    await tabs.dpop.page.evaluate(async () => (await fetch('/api/dpop-check')).arrayBuffer())
    const check = tabs.dpop.server.api.records.at(-1)
    const summary = (values: { bearer: number[]; dpop: number[] }) => ({
      medianMs: { bearer: round(median(values.bearer)), dpop: round(median(values.dpop)) },
      dpopOverBearer: round(median(values.dpop) / median(values.bearer)),
      dpopAddedMs: round(median(values.dpop) - median(values.bearer)),
    })
    return {
      sequential: summary(sequential),
      concurrent16: summary(concurrent),
      signing: await signingCost(serviceWorkerOf(tabs.dpop.page), counts.signatures),
      /** Whether the DPoP tab's requests went out as `Authorization: DPoP` with a proof the server verified. */
      dpopVerified: check?.authScheme === 'DPoP' && check.dpop === 'verified',
    }
  } finally {
    await Promise.all([closeTab(tabs.bearer), closeTab(tabs.dpop)])
  }
}

/** The service worker controlling `page` (Chromium lets a test evaluate code in it). */
function serviceWorkerOf(page: Page): Worker {
  const origin = new URL(page.url()).origin
  const worker = page
    .context()
    .serviceWorkers()
    .find((candidate) => candidate.url().startsWith(origin))
  if (!worker) throw new Error('[sw-token-proxy bench] Failed to time the signing: the DPoP tab has no service worker.')
  return worker
}

/**
 * Milliseconds per operation, each timed over `count` runs in a row (one run is below the
 * resolution of `performance.now()` where the context is not cross-origin isolated).
 */
async function signingCost(
  worker: Worker,
  count: number,
): Promise<{ signMs: number; athMs: number; perProofMs: number }> {
  // No named functions inside: tsx's keepNames would wrap them in a helper the worker lacks.
  const [signMs, athMs] = await worker.evaluate(async (count) => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
    // A proof's signing input and an access token, of their usual sizes (~400 and ~800 bytes).
    const input = new TextEncoder().encode('x'.repeat(400))
    const token = new TextEncoder().encode('t'.repeat(800))
    const operations = [
      () => crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, input),
      () => crypto.subtle.digest('SHA-256', token),
    ]
    const perOperation: number[] = []
    for (const operation of operations) {
      await operation()
      const start = performance.now()
      for (let i = 0; i < count; i++) await operation()
      perOperation.push((performance.now() - start) / count)
    }
    return perOperation
  }, count)
  return { signMs: round(signMs!, 4), athMs: round(athMs!, 4), perProofMs: round(signMs! + athMs!, 4) }
}
