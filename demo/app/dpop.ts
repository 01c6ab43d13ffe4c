// The minimal app with the DPoP worker (`/sw-dpop.js`): the page's code is the same as without
// DPoP. The e2e suite drives it (e2e/dpop.spec.ts).
import { registerTokenProxy } from '../../client/index.ts'

const state = document.querySelector('#state')!
const proxy = await registerTokenProxy({ url: '/sw-dpop.js' })
proxy.on('session-expired', ({ reason }) => {
  state.textContent = `Session expired (${reason}): please log in again.`
})
document.querySelector('#logout')!.addEventListener('click', () => void proxy.logout())
state.textContent = 'Ready: plain fetch() calls to /api/ carry a DPoP-bound token and a proof.'
document.documentElement.dataset['proxy'] = 'ready'
