/**
 * The public types of `sw-token-proxy/sw/msw`. Checked by `npm run test:types`; nothing here runs.
 */
import { describe, expectTypeOf, test } from 'vitest'
import { installTokenProxyWithMsw, type MswOptions } from '../sw/msw/index.js'
import type { TokenProxyOptions } from '../sw/index.js'

describe('installTokenProxyWithMsw', () => {
  test('takes the proxy’s options and, optionally, where msw’s script is', () => {
    expectTypeOf(installTokenProxyWithMsw).toEqualTypeOf<(options: TokenProxyOptions, msw?: MswOptions) => void>()
    expectTypeOf<MswOptions>().toEqualTypeOf<{ scriptUrl?: string }>()
  })
})
