// The entry under Node without a DOM, as a server render (SSR, a static generator) loads it: the
// import and a render must not touch the browser's globals, and the render is the fallback.
import { afterEach, beforeEach, expect, it } from 'vitest'

const BROWSER_GLOBALS = ['navigator', 'window', 'document', 'location', 'indexedDB', 'isSecureContext'] as const
const saved = new Map<string, PropertyDescriptor | undefined>()
const touched: string[] = []

beforeEach(() => {
  for (const name of BROWSER_GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name))
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get: () => {
        touched.push(name)
        return undefined
      },
    })
  }
})
afterEach(() => {
  for (const name of BROWSER_GLOBALS) {
    const descriptor = saved.get(name)
    if (descriptor) Object.defineProperty(globalThis, name, descriptor)
    else Reflect.deleteProperty(globalThis, name)
  }
})

it('imports and renders to a string under Node: the fallback, no browser global read', async () => {
  const { TokenProxyProvider, useSession } = await import('./index.ts')
  const { renderToString } = await import('react-dom/server')
  function Who() {
    return <p>{useSession().authenticated ? 'signed in' : 'signed out'}</p>
  }
  const html = renderToString(
    <TokenProxyProvider url="/sw.js" fallback={<p>Starting…</p>}>
      <Who />
    </TokenProxyProvider>,
  )
  expect(html).toBe('<p>Starting…</p>')
  expect(touched).toEqual([])
})
