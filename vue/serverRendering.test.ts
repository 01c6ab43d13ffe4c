// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// Vue itself looks for `document` as it loads: it is loaded before the globals are guarded.
import { createSSRApp, defineComponent, h } from 'vue'
import { renderToString } from 'vue/server-renderer'

// Server-side rendering: no page, so the entry must not touch the browser's globals, neither when
// imported nor while rendering. Reading any of these fails the test.
const PAGE_GLOBALS = ['navigator', 'location', 'document', 'indexedDB', 'isSecureContext'] as const
const saved = new Map<string, PropertyDescriptor | undefined>()
beforeAll(() => {
  for (const name of PAGE_GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name))
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        throw new Error(`the Vue binding read ${name} on the server`)
      },
    })
  }
})
afterAll(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor) Object.defineProperty(globalThis, name, descriptor)
    else Reflect.deleteProperty(globalThis, name)
  }
})

describe('sw-token-proxy/vue under server-side rendering', () => {
  it('imports and renders an app with the plugin and useSession(): loading, signed out', async () => {
    expect(typeof window).toBe('undefined')
    const { tokenProxyPlugin, useSession, useTokenProxy } = await import('./index.js')

    let proxy: ReturnType<typeof useTokenProxy> | undefined
    const App = defineComponent(() => {
      const { loading, authenticated, claims, expiresAt, endedBy, error } = useSession()
      proxy = useTokenProxy()
      return () =>
        h('main', [
          h('p', loading.value ? 'Loading…' : 'Ready'),
          h('p', authenticated.value ? `Signed in as ${String(claims.value?.['sub'])}` : 'Signed out'),
          h('p', `expires ${String(expiresAt.value)}, endedBy ${String(endedBy.value)}, error ${String(error.value)}`),
        ])
    })
    const app = createSSRApp(App).use(tokenProxyPlugin({ url: '/sw.js' }))
    const html = await renderToString(app)

    expect(html).toBe('<main><p>Loading…</p><p>Signed out</p><p>expires null, endedBy undefined, error null</p></main>')
    expect(proxy!.client.value).toBeNull()
    // The actions reject rather than wait for a worker that the server never registers.
    await expect(proxy!.signIn()).rejects.toThrow(
      /^\[sw-token-proxy\] Failed to use the token proxy: this runs without a page/,
    )
  })
})
