// The setup check's page, driven by the e2e suite (e2e/diagnose.spec.ts) against deliberately
// broken setups: `?sw=` names the worker script. It registers with the check on, and lists what
// `proxy.diagnose()` finds when the test clicks "Check" (or calls `window.diagnose()`).
import {
  registerTokenProxy,
  TokenProxyError,
  type TokenProxyClient,
  type TokenProxyProblem,
} from '../../client/index.ts'

declare global {
  interface Window {
    /** The setup check, for the e2e suite: the problems `proxy.diagnose()` answers. */
    diagnose?: () => Promise<TokenProxyProblem[]>
    /** `proxy.explain()`, for the e2e suite; unset when the registration rejected (there is no proxy). */
    explain?: TokenProxyClient['explain']
    /** Why the registration rejected, for the e2e suite: the error's name, `code` and message. */
    registrationError?: { name: string; code?: string; message: string }
  }
}

const params = new URLSearchParams(location.search)
const state = document.querySelector('#state')!
try {
  const proxy = await registerTokenProxy({ url: params.get('sw') ?? '/sw.js', diagnose: true, timeoutMs: 5_000 })
  window.diagnose = async () => {
    const problems = await proxy.diagnose()
    document
      .querySelector('#problems')!
      .replaceChildren(
        ...problems.map(({ code, fix }) =>
          Object.assign(document.createElement('li'), { textContent: `${code}: ${fix}` }),
        ),
      )
    return problems
  }
  window.explain = (url, init) => proxy.explain(url, init)
  state.textContent = 'Ready.'
  document.documentElement.dataset['proxy'] = 'ready'
} catch (error) {
  if (error instanceof Error)
    window.registrationError = {
      name: error.name,
      ...(error instanceof TokenProxyError && { code: error.code }),
      message: error.message,
    }
  state.textContent = error instanceof Error ? error.message : String(error)
  document.documentElement.dataset['proxy'] = 'failed'
}
