/**
 * The deprecated helpers of `sw-token-proxy/playwright` (removed in 0.3.0): they answer the wire
 * types the helpers answered before 0.2.0. Checked by `npm run test:types`; nothing here runs.
 */
import type { Page } from '@playwright/test'
import { describe, expectTypeOf, test } from 'vitest'
import { legacySessionEvents, legacySessionEventTypes } from '../playwright/index.js'
import type { BroadcastType } from '../sw/index.js'

describe('deprecated helpers', () => {
  test('answer the upper-case wire types', () => {
    expectTypeOf(legacySessionEventTypes).toEqualTypeOf<(page: Page) => Promise<BroadcastType[]>>()
    expectTypeOf(legacySessionEvents).returns.resolves.toEqualTypeOf<
      Array<{ type: BroadcastType; payload: Record<string, unknown> }>
    >()
    expectTypeOf<'SESSION_STARTED'>().toExtend<BroadcastType>()
  })
})
