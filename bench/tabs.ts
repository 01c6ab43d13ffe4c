import type { Browser, BrowserContext, Page } from '@playwright/test'
import { demoBuildDir } from '../demo/server/demoBuildDir.ts'
import { startBenchServer, type BenchServer, type BenchWorker } from './benchServer.ts'

/** One variant's origin, browser context and page, controlled by the variant's worker (if any). */
export interface Tab {
  server: BenchServer
  context: BrowserContext
  page: Page
}

/**
 * tsx compiles the benchmark with esbuild's keepNames, which wraps named functions inside the
 * callbacks given to `page.evaluate` in a `__name()` helper that pages do not have.
 */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext()
  await context.addInitScript('globalThis.__name = (fn) => fn')
  return context
}

export async function openVariant(
  browser: Browser,
  variant: BenchWorker,
  auth: Parameters<typeof startBenchServer>[2] = {},
): Promise<Tab> {
  // The DPoP worker needs a server that binds its tokens (and accepts its proofs).
  const server = await startBenchServer(variant, demoBuildDir, variant === 'dpop' ? { ...auth, dpop: true } : auth)
  const context = await newContext(browser)
  const page = await context.newPage()
  await page.goto(`${server.origin}/bench/page.html`)
  await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'yes')
  if (variant === 'proxy' || variant === 'dpop') await logInThroughWorker(page)
  return { server, context, page }
}

export async function logInThroughWorker(page: Page): Promise<void> {
  const status = await page.evaluate(
    async () =>
      (
        await fetch('/auth/login', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"username":"demo","password":"demo"}',
        })
      ).status,
  )
  if (status !== 200) throw new Error(`login answered ${status}`)
}

export async function closeTab(tab: Tab): Promise<void> {
  await tab.context.close()
  await tab.server.close()
}
