/// <reference lib="webworker" />
// The demo's worker with the session clock (Policy 16, docs/behaviour.md), built to
// `/sw-session.js` and registered by `/session.html`: the same options as `/sw.js`, plus an idle
// timeout across every tab, a ceiling, and warnings before either ends the session.
import { installTokenProxy } from '../../sw/index.ts'

installTokenProxy({
  api: ['/api/'],
  tokenEndpoints: ['/auth/login'],
  refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
  logout: '/auth/logout',
  session: { idleSeconds: 120, maxSeconds: 8 * 60 * 60, warnBeforeSeconds: 30 },
})
