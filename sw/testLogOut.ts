import type { TokenProxy } from './createTokenProxy.js'

/**
 * `proxy.logout()` as the worker runs it for a page: answered once the session has ended here,
 * its requests (logout endpoint, revocation) kept alive by the event until they settle. Tests that
 * assert on what those requests carried wait for them here.
 */
export async function logOutAndSettle(proxy: Pick<TokenProxy, 'logout'>): Promise<void> {
  const kept: Array<Promise<unknown>> = []
  await proxy.logout((promise) => void kept.push(promise))
  await Promise.all(kept)
}
