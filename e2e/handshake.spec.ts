import { waitForTokenProxy } from '../playwright/index.ts'
import { LIBRARY_VERSION } from '../protocol/version.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// The client's handshake warns, with the fix, when the page and the worker come from
// different versions of the library, and everything keeps working.
test('warns with the fix when the worker runs another library version, and keeps working', async ({ context, app }) => {
  // The worker script is made to speak another version: the one it was built with, replaced.
  app.worker.transform = (script) =>
    script.replaceAll(`\`${LIBRARY_VERSION}\``, '`0.0.9`').replaceAll(`"${LIBRARY_VERSION}"`, '"0.0.9"')
  const page = await context.newPage()
  const warnings: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text())
  })

  await page.goto(`${app.origin}/minimal.html`)
  await waitForTokenProxy(page)
  await page.waitForFunction(() => document.documentElement.dataset['proxy'] === 'ready')

  expect(warnings).toEqual([
    `[sw-token-proxy] Failed to match the page and the worker: this page runs sw-token-proxy ${LIBRARY_VERSION} (protocol 2) but the worker runs 0.0.9 (protocol 2). Build the page and the worker from the same sw-token-proxy version and deploy both; the new worker takes over on the next load.`,
  ])
  await logIn(page)
  expect((await pageFetch(page, '/api/still-works')).status).toBe(200)
})

test('says nothing when the versions match', async ({ context, app }) => {
  const page = await context.newPage()
  const warnings: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text())
  })

  await page.goto(`${app.origin}/minimal.html`)
  await page.waitForFunction(() => document.documentElement.dataset['proxy'] === 'ready')

  expect(warnings).toEqual([])
})
