import { createServer, type Server } from 'node:http'
import type { Page } from '@playwright/test'
import type { TokenProxyExplanation, TokenProxyProblem } from '../client/index.ts'
import { closeServer, listen } from '../demo/server/listen.ts'
import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// The setup check (proxy.diagnose(), /diagnose.html): each test breaks one thing on purpose and
// checks that the check names it and its fix, and the healthy app that it says nothing, so the
// check can fail. What the servers recorded proves each breakage was real, and proxy.explain()
// of the request each test made agrees with it. (e2e/README.md)

/** Opens the check's page on `script` and waits for the registration to settle. */
async function openCheck(page: Page, origin: string, script = '/sw.js'): Promise<string> {
  await page.goto(`${origin}/diagnose.html?sw=${script}`)
  await page.waitForFunction(() => document.documentElement.dataset['proxy'] !== undefined)
  return (await page.evaluate(() => document.documentElement.dataset['proxy'])) ?? ''
}

/** `proxy.diagnose()` in the page (the page hands it to `window.diagnose`). */
function diagnose(page: Page): Promise<TokenProxyProblem[]> {
  return page.evaluate(() => (window as unknown as { diagnose(): Promise<TokenProxyProblem[]> }).diagnose())
}

/** `proxy.explain(url)` in the page (the page hands it to `window.explain`). */
function explain(page: Page, url: string): Promise<TokenProxyExplanation> {
  return page.evaluate(
    (url) => (window as unknown as { explain(url: string): Promise<TokenProxyExplanation> }).explain(url),
    url,
  )
}

/** The page's `console.warn` lines, from now on. */
function warningsOf(page: Page): string[] {
  const warnings: string[] = []
  page.on('console', (message) => void (message.type() === 'warning' && warnings.push(message.text())))
  return warnings
}

test('an api prefix that misses the app’s requests (/api/ while the app calls /v1/api/): named, with the prefix it meant', async ({
  context,
  app,
}) => {
  const page = await context.newPage()
  expect(await openCheck(page, app.origin)).toBe('ready')
  await logIn(page)
  await pageFetch(page, '/v1/api/me')
  await pageFetch(page, '/v1/api/orders')

  // The server saw the app's calls, without a token.
  const calls = app.requestLog.filter(({ target }) => target.startsWith('/v1/api/'))
  expect(calls).toEqual([
    { method: 'GET', target: '/v1/api/me', authScheme: null },
    { method: 'GET', target: '/v1/api/orders', authScheme: null },
  ])
  const problems = await diagnose(page)
  expect(problems).toEqual([
    {
      code: 'api-prefix-missed',
      message:
        "[sw-token-proxy] Failed to add the token to /v1/api/…: requests to /v1/api/… went out without a token, and your api prefix is /api/ (did you mean /v1/api/?). List the prefix your app calls in the worker's options: api: ['/v1/api/'].",
      fix: "List the prefix your app calls in the worker's options: api: ['/v1/api/'].",
    },
  ])
  for (const token of app.auth.issuedTokens) expect(JSON.stringify(problems)).not.toContain(token)

  // explain() agrees with the server: on no prefix, /api/ the nearest, so no token.
  const explained = [await explain(page, '/v1/api/me'), await explain(page, '/v1/api/orders')]
  expect(explained[0]).toEqual({
    url: '/v1/api/me',
    method: 'GET',
    mode: 'cors',
    role: 'passed',
    why: 'not-on-a-prefix',
    nearest: { api: '/api/', why: 'outside-path' },
    attachesToken: false,
    staticRoute: 'network',
  })
  expect(explained[1]).toEqual({ ...explained[0], url: '/v1/api/orders' })
  for (const token of app.auth.issuedTokens) expect(JSON.stringify(explained)).not.toContain(token)
})

test('an app Workbox route for /api/ registered before the proxy’s: named, with the order to fix', async ({
  context,
  app,
}) => {
  const page = await context.newPage()
  const warnings = warningsOf(page)
  expect(await openCheck(page, app.origin, '/sw-workbox-shadowed.js')).toBe('ready')
  expect((await logIn(page)).status).toBe(200)
  expect((await pageFetch(page, '/api/me')).status).toBe(401)

  // The app's route took the request: it reached the API without a token.
  expect(app.api.records.map(({ path, authScheme }) => ({ path, authScheme }))).toEqual([
    { path: '/api/me', authScheme: null },
  ])
  const problems = await diagnose(page)
  expect(problems.map(({ code }) => code)).toEqual(['route-shadowed'])
  expect(problems[0]!.message).toBe(
    "[sw-token-proxy] Failed to add the token to /api/…: a Workbox route the app registered before the proxy's takes its GET requests, so they go out without the token. Call addTokenProxyRoutes() before the app's own registerRoute() calls: Workbox uses the first route that matches.",
  )
  // Printed by itself (the page registers with diagnose: true), once.
  await expect.poll(() => warnings.filter((line) => line === problems[0]!.message)).toHaveLength(1)

  // explain() agrees with the API: an API request, but the app's route takes it, without the token.
  const explained = await explain(page, '/api/me')
  expect(explained).toMatchObject({
    url: '/api/me',
    method: 'GET',
    role: 'api',
    api: '/api/',
    takenBy: 'app-route',
    attachesToken: false,
  })
  expect(explained).not.toHaveProperty('token')
  for (const token of app.auth.issuedTokens) expect(JSON.stringify(explained)).not.toContain(token)
})

test('a Content-Security-Policy worker-src ’none’ on the page: the registration rejects naming the policy, and the check prints it', async ({
  context,
  app,
}) => {
  app.headers.set('/diagnose.html', { 'Content-Security-Policy': "worker-src 'none'" })
  const page = await context.newPage()
  const warnings = warningsOf(page)
  expect(await openCheck(page, app.origin)).toBe('failed')

  const expected =
    "[sw-token-proxy] Failed to register the service worker /sw.js: the page's Content-Security-Policy blocks it (worker-src). Allow the script in the page's policy: worker-src 'self' (a policy without worker-src falls back to script-src)."
  await expect(page.locator('#state')).toHaveText(expected)
  expect(warnings).toContain(expected)
  // Not taken for a browser that blocks site data (TokenProxyUnsupportedError 'blocked').
  expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull()
  expect(app.requests).not.toContain('GET /sw.js')

  // No worker, so no proxy to explain() anything: the registration's rejection is the answer,
  // the library's own error, and no request reached the server with a token.
  const failure = await page.evaluate(() => {
    const page = window as unknown as { explain?: unknown; registrationError?: unknown }
    return { explain: typeof page.explain, error: page.registrationError }
  })
  expect(failure).toEqual({
    explain: 'undefined',
    error: { name: 'TokenProxyError', code: 'ERR_REGISTRATION_FAILED', message: expected },
  })
  expect(app.requestLog.filter(({ authScheme }) => authScheme !== null)).toEqual([])
})

test('under Playwright (navigator.webdriver) the default diagnose: ’auto’ prints nothing, where the check has a problem to print', async ({
  context,
  app,
}) => {
  // minimal.html registers without the option: 'auto', on http://localhost.
  app.headers.set('/minimal.html', { 'Content-Security-Policy': "worker-src 'none'" })
  const page = await context.newPage()
  const warnings = warningsOf(page)
  const failure = new Promise<Error>((resolve) => page.once('pageerror', resolve))
  await page.goto(`${app.origin}/minimal.html`)

  // The registration failed for the policy (the page rethrows it): the check had csp-blocks-worker
  // to say, and with diagnose: true it prints it (the test above).
  expect((await failure).message).toContain("the page's Content-Security-Policy blocks it (worker-src)")
  expect(await page.evaluate(() => navigator.webdriver)).toBe(true)
  expect(warnings).toEqual([])
})

test('an API on another origin whose CORS does not expose WWW-Authenticate: named, with the header to add', async ({
  context,
  app,
}) => {
  const api = await startApiWithoutExposedHeaders(app.origin)
  try {
    app.worker.transform = (script) => script.replace('api:[`/api/`]', `api:[\`/api/\`,\`${api.origin}/v1/\`]`)
    const page = await context.newPage()
    expect(await openCheck(page, app.origin)).toBe('ready')
    await logIn(page)
    expect((await pageFetch(page, `${api.origin}/v1/me`)).status).toBe(401)

    // The API got the token and refused it with a challenge the worker could not read: it took
    // the 401 for an expired token, renewed, and replayed once.
    expect(api.records).toEqual([
      { path: '/v1/me', bearer: true },
      { path: '/v1/me', bearer: true },
    ])
    expect(app.auth.counters.refreshes).toBe(1)
    const problems = await diagnose(page)
    expect(problems).toEqual([
      {
        code: 'cors-hides-challenge',
        message: `[sw-token-proxy] Failed to read why ${api.origin} refused a token: its CORS answers do not expose WWW-Authenticate, so the worker takes every 401 for an expired token (a step-up or insufficient_scope looks the same, and with DPoP its nonce is hidden too). Have ${api.origin} answer with Access-Control-Expose-Headers: WWW-Authenticate, DPoP-Nonce.`,
        fix: `Have ${api.origin} answer with Access-Control-Expose-Headers: WWW-Authenticate, DPoP-Nonce.`,
      },
    ])

    // explain() agrees with the API's records: an API request, which goes out with the session's token.
    const explained = await explain(page, `${api.origin}/v1/me`)
    expect(explained).toMatchObject({
      url: `${api.origin}/v1/me`,
      method: 'GET',
      role: 'api',
      api: `${api.origin}/v1/`,
      attachesToken: true,
      token: { for: 'session', held: true },
    })
    expect(explained).not.toHaveProperty('takenBy')
    // Asking sent nothing: the API saw only the two requests above.
    expect(api.records).toHaveLength(2)
    for (const token of app.auth.issuedTokens) expect(JSON.stringify(explained)).not.toContain(token)
  } finally {
    await api.close()
  }
})

test.describe('a healthy app', () => {
  for (const script of ['/sw.js', '/sw-workbox.js'])
    test(`${script}: the check finds nothing, and prints nothing`, async ({ context, app }) => {
      const page = await context.newPage()
      const warnings = warningsOf(page)
      expect(await openCheck(page, app.origin, script)).toBe('ready')
      await logIn(page)
      expect((await pageFetch(page, '/api/me')).status).toBe(200)
      expect((await pageFetch(page, '/static/app.js')).status).toBe(404)

      expect(app.api.records.map(({ path, authScheme }) => ({ path, authScheme }))).toEqual([
        { path: '/api/me', authScheme: 'Bearer' },
      ])
      expect(await diagnose(page)).toEqual([])
      expect(warnings).toEqual([])
    })
})

interface ApiWithoutExposedHeaders {
  origin: string
  records: { path: string; bearer: boolean }[]
  close(): Promise<void>
}

/**
 * An API on another site (`http://127.0.0.1:PORT`) that allows the app's origin and its
 * `Authorization` (CORS) but exposes no header: every request with a token is refused
 * `401 WWW-Authenticate: Bearer error="invalid_token"`, a challenge the worker cannot read.
 */
async function startApiWithoutExposedHeaders(appOrigin: string): Promise<ApiWithoutExposedHeaders> {
  const records: ApiWithoutExposedHeaders['records'] = []
  const cors = {
    'Access-Control-Allow-Origin': appOrigin,
    'Access-Control-Allow-Headers': 'Authorization',
    Vary: 'Origin',
  }
  const server: Server = createServer((request, response) => {
    if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end()
    records.push({
      path: new URL(request.url ?? '/', 'http://api.invalid').pathname,
      bearer: !!request.headers.authorization,
    })
    response
      .writeHead(401, {
        ...cors,
        'Content-Type': 'application/json',
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      })
      .end('{"error":"invalid_token"}')
  })
  const origin = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`
  return { origin, records, close: () => closeServer(server) }
}
