import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from '../../test-support/chromiumLaunchOptions.ts'

/** Chromium on a profile, and its first page. */
export type LaunchOnProfile = () => Promise<{ browser: BrowserContext; page: Page }>

/**
 * A browser profile on disk, for tests that close the browser and start it again (what survives a
 * restart): `launch()` starts Chromium on it with service workers allowed. Deleted afterwards.
 */
export async function withBrowserProfile(test: (launch: LaunchOnProfile) => Promise<void>): Promise<void> {
  const profile = await mkdtemp(join(tmpdir(), 'sw-token-proxy-profile-'))
  try {
    await test(async () => {
      const browser = await chromium.launchPersistentContext(profile, {
        ...chromiumLaunchOptions,
        serviceWorkers: 'allow',
      })
      return { browser, page: browser.pages()[0] ?? (await browser.newPage()) }
    })
  } finally {
    await rm(profile, { recursive: true, force: true })
  }
}
