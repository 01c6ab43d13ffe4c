// The smallest app that uses the proxy: register once, then plain fetch. The e2e suite drives it.
import { registerTokenProxy } from '../../client/index.ts'

const proxy = await registerTokenProxy({ url: '/sw.js' })
proxy.on('session-expired', ({ reason }) => {
  document.querySelector('#state')!.textContent = `Session expired (${reason}): please log in again.`
})
document.querySelector('#logout')!.addEventListener('click', () => void proxy.logout())
document.querySelector('#state')!.textContent = 'Ready: plain fetch() calls to /api/ carry the token.'
document.documentElement.dataset['proxy'] = 'ready'
