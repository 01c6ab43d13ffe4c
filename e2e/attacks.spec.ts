import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Attacks (Policy 1, docs/behaviour.md): whatever way a page makes a request, the token goes to the API prefix only,
// and no message to the worker gets a token back.
test.describe('attacks', () => {
  test('XHR, sendBeacon, EventSource and a dedicated worker never carry the token to another site or a look-alike path', async ({
    page,
    app,
    thirdParty,
  }) => {
    await logIn(page)
    await page.evaluate(async (other) => {
      const targets = [`${other}/collect`, '/apix/collect', '/api-evil/collect']
      const xhr = (method: string, url: string) =>
        new Promise<void>((resolve) => {
          const request = new XMLHttpRequest()
          request.open(method, url)
          request.onloadend = () => resolve()
          request.send(method === 'GET' ? null : 'payload')
        })
      for (const url of targets) {
        for (const method of ['GET', 'POST', 'PUT', 'DELETE']) await xhr(method, url)
        navigator.sendBeacon(url, 'beacon payload')
        await new Promise<void>((resolve) => {
          const source = new EventSource(url)
          source.onerror = source.onopen = () => (source.close(), resolve())
        })
      }
      const worker = new Worker(
        URL.createObjectURL(
          new Blob([
            `onmessage = async (e) => { for (const url of e.data) await fetch(url, { method: 'POST', body: 'x' }).catch(() => {}); postMessage('done') }`,
          ]),
        ),
      )
      await new Promise((resolve) => {
        worker.onmessage = resolve
        worker.postMessage(targets.map((url) => new URL(url, location.href).href))
      })
    }, thirdParty.origin)
    // sendBeacon is fire-and-forget: wait until the other site has seen all of them.
    await expect
      .poll(
        () => thirdParty.records.filter((record) => record.path === '/collect' && record.method !== 'OPTIONS').length,
      )
      .toBeGreaterThanOrEqual(7)

    expect(thirdParty.records.filter((record) => record.authorization)).toEqual([])
    // Look-alike paths are not API paths: the API server never even sees them.
    expect(app.api.records).toEqual([])
  })

  test('the app’s own XHR and dedicated-worker requests to the API do get the token', async ({ page, app }) => {
    await logIn(page)
    await page.evaluate(async () => {
      await new Promise((resolve) => {
        const request = new XMLHttpRequest()
        request.open('POST', '/api/xhr')
        request.onloadend = resolve
        request.send('payload')
      })
      const worker = new Worker(
        URL.createObjectURL(new Blob([`onmessage = async (e) => { await fetch(e.data); postMessage('done') }`])),
      )
      await new Promise((resolve) => {
        worker.onmessage = resolve
        worker.postMessage(new URL('/api/from-worker', location.href).href)
      })
    })

    expect(app.api.records.map(({ path, authorized }) => ({ path, authorized }))).toEqual([
      { path: '/api/xhr', authorized: true },
      { path: '/api/from-worker', authorized: true },
    ])
  })

  test('a redirect from the API to another site does not carry the token along', async ({ page, app, thirdParty }) => {
    await logIn(page)
    const response = await pageFetch(page, `/api/redirect?to=${encodeURIComponent(`${thirdParty.origin}/stolen`)}`)

    expect(response.status).toBe(200)
    expect(app.api.records).toEqual([expect.objectContaining({ path: '/api/redirect', authorized: true })])
    expect(thirdParty.records.filter((record) => record.path === '/stolen')).toEqual([
      expect.objectContaining({ authorization: false }),
    ])
  })

  test('no message a page can send gets a token back', async ({ page, app }) => {
    await logIn(page)
    const replies = await page.evaluate(async () => {
      const ask = (data: unknown) =>
        new Promise<unknown>((resolve) => {
          const channel = new MessageChannel()
          channel.port1.onmessage = (event) => resolve(event.data)
          navigator.serviceWorker.controller!.postMessage(data, [channel.port2])
          setTimeout(() => resolve('no reply'), 1_000)
        })
      const probes = [
        { source: 'sw-token-proxy', type: 'STATUS', payload: {} },
        { source: 'sw-token-proxy', type: 'HANDSHAKE', payload: { protocolVersion: 1, clientVersion: 'x' } },
        { source: 'sw-token-proxy', type: 'GET_TOKEN', payload: {} },
        { source: 'sw-token-proxy', type: 'CONFIGURE', payload: { api: ['http://evil.invalid/'] } },
        { type: 'STATUS' },
        'STATUS',
        { type: 'CACHE_URLS', payload: { urlsToCache: ['/api/me'] } },
      ]
      return Promise.all(probes.map(ask))
    })

    const everything = JSON.stringify(replies)
    expect(app.auth.issuedTokens.some((token) => everything.includes(token))).toBe(false)
    expect(replies[0]).toMatchObject({ ok: true, payload: { authenticated: true } })
    expect(replies.slice(2)).toEqual(Array(5).fill('no reply'))
  })
})
