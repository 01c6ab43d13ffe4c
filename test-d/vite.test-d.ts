/**
 * The public types of `sw-token-proxy/vite`. Checked by `npm run test:types`; nothing here runs.
 */
import { defineConfig, type Plugin } from 'vite'
import { describe, expectTypeOf, test } from 'vitest'
import { tokenProxyWorker, type TokenProxyWorkerOptions } from '../vite/index.js'

describe('tokenProxyWorker', () => {
  test('returns a Vite plugin, with or without options', () => {
    expectTypeOf(tokenProxyWorker).parameters.toEqualTypeOf<[options?: TokenProxyWorkerOptions]>()
    expectTypeOf(tokenProxyWorker).returns.toEqualTypeOf<Plugin>()
    expectTypeOf(
      defineConfig({ plugins: [tokenProxyWorker(), tokenProxyWorker({ entry: 'src/sw.ts' })] }),
    ).toExtend<object>()
  })

  test('TokenProxyWorkerOptions', () => {
    expectTypeOf<TokenProxyWorkerOptions>().toEqualTypeOf<{
      entry?: string
      fileName?: string
      type?: 'classic' | 'module'
      define?: Record<string, string>
    }>()
    // @ts-expect-error: a classic script or an ES module, nothing else
    const badType: TokenProxyWorkerOptions = { type: 'iife' }
    expectTypeOf(badType).toEqualTypeOf<TokenProxyWorkerOptions>()
  })
})
