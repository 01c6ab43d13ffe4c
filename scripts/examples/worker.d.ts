// What a README or docs/ example in a worker script (```ts worker) may use without importing it:
// the package's worker API under its own names (from sw-token-proxy/sw and /sw/oidc).
declare const installTokenProxy: typeof import('sw-token-proxy/sw').installTokenProxy
declare const addTokenProxyRoutes: typeof import('sw-token-proxy/sw').addTokenProxyRoutes
declare const openIdConnect: typeof import('sw-token-proxy/sw/oidc').openIdConnect
