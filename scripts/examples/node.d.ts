// What a README or docs/ example in Node (```ts node: configs, servers, Playwright tests) may use
// without importing it: the Playwright helpers under their own names, and stand-ins for the
// reader's own server and Vite plug-ins.
declare const test: typeof import('sw-token-proxy/playwright').test
declare const expect: typeof import('sw-token-proxy/playwright').expect
declare const waitForTokenProxy: typeof import('sw-token-proxy/playwright').waitForTokenProxy
declare const stopServiceWorker: typeof import('sw-token-proxy/playwright').stopServiceWorker

// The reader's server and plug-ins.
declare const response: import('node:http').ServerResponse
declare const claims: { exp: number }
declare function react(): import('vite').Plugin
