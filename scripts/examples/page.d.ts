/// <reference types="vite-plugin-pwa/vanillajs" />
/// <reference types="vite/client" />
// (Above: vite-plugin-pwa's registration module, virtual:pwa-register, and Vite's import.meta.env,
// with their own packages' types.)
// What a README or docs/ example in a page (```ts page, the default) may use without declaring
// it: the package's page API under its own names, the `proxy` an earlier example registered, and
// stand-ins for the reader's own app. Only the stand-ins are loosely typed; the package's names
// have the package's types.
declare const registerTokenProxy: typeof import('sw-token-proxy/client').registerTokenProxy
declare const openAuthenticatedWebSocket: typeof import('sw-token-proxy/client').openAuthenticatedWebSocket
declare const TokenProxyError: typeof import('sw-token-proxy/client').TokenProxyError
declare const TokenProxyUnsupportedError: typeof import('sw-token-proxy/client').TokenProxyUnsupportedError
declare const proxy: import('sw-token-proxy/client').TokenProxyClient

// The reader's app.
declare const username: string
declare const password: string
declare const body: BodyInit
declare const loginButton: HTMLButtonElement
declare function render(data: unknown): void
declare function renderApp(proxy: import('sw-token-proxy/client').TokenProxyClient): void
declare function renderNotice(message: string): void
declare function showLogin(reason?: string): void
declare function showOfflineBanner(retryAt: number): void
declare function showStepUpPrompt(signIn: () => Promise<void>): void
declare function rememberToRetryAfterSignIn(): void
declare function showSignInCancelled(): void
declare function report(what: string, detail: string): void

// A PWA's update prompt (vite-plugin-pwa's registerSW({ onNeedRefresh })).
declare const updatePrompt: HTMLElement
declare const updateButton: HTMLButtonElement
