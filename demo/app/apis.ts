// Two APIs with their own tokens (Policy 11, docs/behaviour.md), as an app uses them: the worker (`/sw-apis.js`) names
// what each API's token is for; this page only logs in and calls fetch(). The table shows what the
// demo server recorded: per API, whom the tokens it received were minted for.
import { registerTokenProxy } from '../../client/index.ts'

const $ = (selector: string) => document.querySelector<HTMLElement>(selector)!

/** What the demo server says of each API (`/demo/apis`). */
interface ApiView {
  name: string
  prefix: string
  /** The `aud` of each distinct token the API received; `null`: the login's own token. */
  tokensMintedFor: Array<string | null>
  renewals: number
}

/** One call per API: the login's own token, the orders API's, the billing API's. */
const CALLS: Record<string, string> = {
  main: '/api/me',
  orders: '/api/orders/summary',
  billing: '/api/billing/invoices',
}
const MINTED_WITH: Record<string, string> = {
  main: 'the login (no resource, no audience)',
  orders: 'resource=urn:demo:orders',
  billing: 'audience=billing',
}
const lastCalls = new Map<string, string>()

const proxy = await registerTokenProxy({ url: '/sw-apis.js' })

async function showSession(): Promise<void> {
  $('#session-state').textContent = (await proxy.status()).authenticated ? 'logged in' : 'logged out'
}

async function showApis(): Promise<void> {
  const apis = (await (await fetch('/demo/apis')).json()) as ApiView[]
  $('#apis').replaceChildren(
    ...apis.map((api) => {
      const row = document.createElement('tr')
      row.id = `api-${api.name}`
      const cells: Array<[string, string]> = [
        ['name', api.name],
        ['prefix', api.prefix],
        ['minted-with', MINTED_WITH[api.name] ?? ''],
        ['received', api.tokensMintedFor.map((audience) => audience ?? 'the login’s own token').join(', ') || '–'],
        ['renewals', String(api.renewals)],
        ['last-call', lastCalls.get(api.name) ?? '–'],
      ]
      row.append(
        ...cells.map(([name, text]) => {
          const cell = document.createElement('td')
          cell.className = name
          cell.textContent = text
          return cell
        }),
      )
      return row
    }),
  )
}

$('#login').addEventListener('click', () => {
  void fetch('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: 'demo' }),
  }).then(showSession)
})
$('#call-all').addEventListener('click', () => {
  void Promise.all(
    Object.entries(CALLS).map(async ([name, path]) => {
      const response = await fetch(path)
      lastCalls.set(name, `GET ${path} → ${response.status}`)
    }),
  ).then(showApis)
})
$('#logout').addEventListener('click', () => void proxy.logout())
proxy.on('session-started', () => void showSession())
proxy.on('session-ended', () => void showSession())
proxy.on('session-expired', () => void showSession())

await showSession()
await showApis()
setInterval(() => void showApis(), 1000)
document.documentElement.dataset['proxy'] = 'ready'
