/// <reference lib="webworker" />
// The app's one service worker, built to /sw.js (classic: importScripts needs it). In an app:
// import { installTokenProxyWithMsw } from 'sw-token-proxy/sw/msw'. tokenProxyWorker() builds the
// worker on its own, without this app's aliases, hence the path to the source here.
import { installTokenProxyWithMsw } from '../../../sw/msw/index.ts'

installTokenProxyWithMsw(
  {
    api: ['/api/'],
    tokenEndpoints: ['/auth/login'],
    refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa' },
    logout: '/auth/logout',
  },
  // The default: msw's script next to this one (vite.config.ts copies it there).
  { scriptUrl: 'mockServiceWorker.js' },
)
