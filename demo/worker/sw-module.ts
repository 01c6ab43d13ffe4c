/// <reference lib="webworker" />
// The demo's worker as an ES module, built to `/sw-module.js` for
// `registerTokenProxy({ type: 'module' })`. It names its API through `import.meta`, which only
// module scripts have: registered as a classic script, it fails to evaluate (the e2e suite checks
// both).
import { installTokenProxy } from '../../sw/index.ts'

const scriptUrl = import.meta.url

installTokenProxy({
  api: [new URL('/api/', scriptUrl).href],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
  logout: '/auth/logout',
})
