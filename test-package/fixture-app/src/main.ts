import axios from 'axios'
import { registerTokenProxy, TokenProxyUnsupportedError } from 'sw-token-proxy/client'

const config = new URLSearchParams(location.search)
const issuer = config.get('issuer') ?? ''
const api = config.get('api') ?? ''
const show = (id: string, text: string) => {
  document.getElementById(id)!.textContent = text
}
const onClick = (id: string, action: () => Promise<void>) => {
  document.getElementById(id)!.addEventListener('click', () => {
    action().catch((error: unknown) =>
      show('result', `error: ${error instanceof Error ? error.message : String(error)}`),
    )
  })
}

try {
  const proxy = await registerTokenProxy({ url: `/sw.js?${new URLSearchParams({ issuer, api }).toString()}` })
  proxy.on('session-started', () => show('session', 'logged in'))
  proxy.on('session-expired', ({ reason }) => show('session', `expired (${reason})`))
  show('ready', 'ready')
} catch (error) {
  show('ready', error instanceof TokenProxyUnsupportedError ? error.userMessage : String(error))
}

// The login is a plain fetch to the provider's token endpoint; the worker keeps the tokens.
onClick('log-in', async () => {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'any', client_id: 'fixture-app' }),
  })
  show(
    'login',
    Object.keys((await response.json()) as object)
      .sort()
      .join(','),
  )
})
onClick('call-fetch', async () => {
  show('result', `fetch ${(await fetch(`${api}/me`)).status}`)
})
// axios sends XMLHttpRequests, which go through the worker like fetch does.
onClick('call-axios', async () => {
  show('result', `axios ${(await axios.get(`${api}/me`, { validateStatus: () => true })).status}`)
})
