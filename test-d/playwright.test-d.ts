/**
 * The public types of `sw-token-proxy/playwright`. Checked by `npm run test:types`; nothing here
 * runs (not even Playwright's `test`, which is only called to type its fixtures).
 */
import type {
  BrowserContext,
  Page,
  PlaywrightTestArgs,
  PlaywrightTestOptions,
  PlaywrightWorkerArgs,
  PlaywrightWorkerOptions,
  TestType,
} from '@playwright/test'
import { expect as playwrightExpect } from '@playwright/test'
import { describe, expectTypeOf, test } from 'vitest'
import {
  expect,
  expireAccessToken,
  hardReload,
  recordSessionEvents,
  recordWorkerRequests,
  sessionEvents,
  sessionEventTypes,
  sessionStatus,
  stopServiceWorker,
  test as tokenProxyTest,
  waitForTokenProxy,
  type RecordedSessionEvent,
  type SessionStatus,
  type TokenProxyFixtures,
  type WorkerRequest,
} from '../playwright/index.js'
import type { SessionEventName, SessionStatus as ClientSessionStatus } from '../client/index.js'

describe('helpers', () => {
  test('page helpers', () => {
    expectTypeOf(expireAccessToken).toEqualTypeOf<(page: Page) => Promise<void>>()
    expectTypeOf(stopServiceWorker).toEqualTypeOf<(page: Page) => Promise<void>>()
    expectTypeOf(hardReload).toEqualTypeOf<(page: Page) => Promise<void>>()
    expectTypeOf(waitForTokenProxy).parameters.toEqualTypeOf<[page: Page, options?: { timeout?: number }]>()
    expectTypeOf(waitForTokenProxy).returns.resolves.toBeVoid()
    expectTypeOf(sessionStatus).parameters.toEqualTypeOf<[page: Page, options?: { timeout?: number }]>()
    expectTypeOf(sessionStatus).returns.resolves.toEqualTypeOf<SessionStatus>()
    expectTypeOf<SessionStatus>().toEqualTypeOf<ClientSessionStatus>()
  })

  test('session events, named as proxy.on() names them', () => {
    expectTypeOf(recordSessionEvents).toEqualTypeOf<(context: BrowserContext) => Promise<void>>()
    expectTypeOf(sessionEvents).toEqualTypeOf<(page: Page) => Promise<RecordedSessionEvent[]>>()
    expectTypeOf(sessionEventTypes).toEqualTypeOf<(page: Page) => Promise<SessionEventName[]>>()
    expectTypeOf<RecordedSessionEvent>().toEqualTypeOf<{ type: SessionEventName; payload: Record<string, unknown> }>()
    expectTypeOf<'session-expired'>().toExtend<RecordedSessionEvent['type']>()
    expectTypeOf<'SESSION_EXPIRED'>().not.toExtend<RecordedSessionEvent['type']>()
  })

  test('worker requests', () => {
    expectTypeOf(recordWorkerRequests).toEqualTypeOf<(context: BrowserContext) => WorkerRequest[]>()
    expectTypeOf<WorkerRequest>().toEqualTypeOf<{ method: string; url: string; authorized: boolean }>()
  })
})

describe('fixtures', () => {
  test('test is Playwright test with the workerRequests fixture', () => {
    expectTypeOf<TokenProxyFixtures>().toEqualTypeOf<{ workerRequests: WorkerRequest[] }>()
    expectTypeOf(tokenProxyTest).toEqualTypeOf<
      TestType<
        PlaywrightTestArgs & PlaywrightTestOptions & TokenProxyFixtures,
        PlaywrightWorkerArgs & PlaywrightWorkerOptions
      >
    >()
    tokenProxyTest('a spec', async ({ page, context, workerRequests }) => {
      expectTypeOf(page).toEqualTypeOf<Page>()
      expectTypeOf(context).toEqualTypeOf<BrowserContext>()
      expectTypeOf(workerRequests).toEqualTypeOf<WorkerRequest[]>()
      await expect.poll(() => sessionEventTypes(page)).toContain('session-refreshed')
    })
    // @ts-expect-error: no such fixture
    tokenProxyTest('a spec', ({ accessToken }) => accessToken)
  })

  test('expect is Playwright expect', () => {
    expectTypeOf(expect).toEqualTypeOf(playwrightExpect)
  })
})
