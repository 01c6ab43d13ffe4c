/**
 * The public types of `sw-token-proxy/sw/cache`. Checked by `npm run test:types`; nothing here runs.
 */
import { describe, expectTypeOf, test } from 'vitest'
import { apiCache } from '../sw/cache/index.js'
import type { ApiCachePlugin, TokenProxyOptions } from '../sw/index.js'

describe('apiCache', () => {
  test('takes nothing and returns what installTokenProxy({ apiCache }) accepts', () => {
    expectTypeOf(apiCache).toEqualTypeOf<() => ApiCachePlugin>()
    expectTypeOf({
      api: [{ prefix: '/api/', cache: 'network-first' as const }],
      refresh: { url: '/auth/refresh' },
      apiCache: apiCache(),
    }).toExtend<TokenProxyOptions>()
    expectTypeOf<TokenProxyOptions['apiCache']>().toEqualTypeOf<ApiCachePlugin | undefined>()
  })

  test('an ApiCachePlugin is made by apiCache(), not written by hand', () => {
    expectTypeOf<{ kind: 'api-cache' }>().not.toExtend<ApiCachePlugin>()
  })
})
