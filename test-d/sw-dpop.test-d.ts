/**
 * The public types of `sw-token-proxy/sw/dpop`: the worker entry points of `sw-token-proxy/sw`,
 * in the build that can honour `dpop: true`. Checked by `npm run test:types`; nothing here runs.
 */
import { describe, expectTypeOf, test } from 'vitest'
import * as core from '../sw/index.js'
import * as withDpop from '../sw/dpop/index.js'

describe('sw-token-proxy/sw/dpop', () => {
  test('has the same installTokenProxy and addTokenProxyRoutes as sw-token-proxy/sw', () => {
    expectTypeOf(withDpop.installTokenProxy).toEqualTypeOf(core.installTokenProxy)
    expectTypeOf(withDpop.addTokenProxyRoutes).toEqualTypeOf(core.addTokenProxyRoutes)
    expectTypeOf(withDpop.TokenProxyError).toEqualTypeOf(core.TokenProxyError)
  })

  test('takes dpop: true with a refresh endpoint or an OpenID provider', () => {
    expectTypeOf({
      api: ['/api/'],
      refresh: { url: '/auth/refresh' },
      dpop: true,
    }).toExtend<withDpop.TokenProxyOptions>()
    // @ts-expect-error: dpop is true or false
    const wrong: withDpop.TokenProxyOptions = { api: ['/api/'], refresh: { url: '/auth/refresh' }, dpop: 'yes' }
    expectTypeOf(wrong).toEqualTypeOf<withDpop.TokenProxyOptions>()
  })
})
