import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { proxyOverFakes } from './testProxy.js'

// `replayBodyLimitBytes`: a body up to the cap is copied before the first send, so a 401 can be
// replayed byte for byte; a larger one is sent once as it came and never replayed (the page gets
// the API's 401). Proved here with a small cap, on each way a body can reach the worker.

const ORIGIN = 'https://app.example'
const CAP = 16

interface ApiSend {
  authorization: string | null
  body: number[]
}

/** An API that refuses the first token (`at-1`) and accepts the renewed one. */
function setUp() {
  const apiSends: ApiSend[] = []
  let refreshes = 0
  const { handle } = proxyOverFakes(
    {
      api: ['/api/'],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh' },
      replayBodyLimitBytes: CAP,
    },
    {
      origin: ORIGIN,
      fetch: async (input, init) => {
        const request = new Request(input, init)
        const { pathname } = new URL(request.url)
        if (pathname === '/auth/login') return tokens('at-1')
        if (pathname === '/auth/refresh') return (refreshes++, tokens(`at-${refreshes + 1}`))
        const authorization = request.headers.get('Authorization')
        apiSends.push({ authorization, body: [...new Uint8Array(await request.arrayBuffer())] })
        return authorization === 'Bearer at-1'
          ? new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })
          : Response.json({ ok: true })
      },
    },
  )
  return { handle, apiSends }
}

const tokens = (access: string) =>
  Response.json({ access_token: access, refresh_token: `rt-${access}`, token_type: 'Bearer', expires_in: 3600 })

/** `size` bytes that no two positions share by accident. */
const bytesOf = (size: number) => Uint8Array.from({ length: size }, (_, index) => (index * 37 + 11) % 256)

/** The ways a body reaches the worker: */
const bodies: Array<[string, (bytes: Uint8Array<ArrayBuffer>) => Request]> = [
  // a stream of one chunk (Chromium: every body inside the worker is a stream);
  ['one chunk', (bytes) => new Request(`${ORIGIN}/api/upload`, { method: 'POST', body: bytes })],
  // a stream of several chunks, the cap crossed in the last one;
  [
    'a stream of chunks',
    (bytes) =>
      new Request(`${ORIGIN}/api/upload`, {
        method: 'POST',
        body: new ReadableStream({
          start(controller) {
            for (let offset = 0; offset < bytes.length; offset += 5) controller.enqueue(bytes.slice(offset, offset + 5))
            controller.close()
          },
        }),
        duplex: 'half',
      } as RequestInit & { duplex: 'half' }),
  ],
  // a Blob whose size is known up front (Firefox: no `Request.body`).
  [
    'a Blob, without Request.body',
    (bytes) => {
      const request = new Request(`${ORIGIN}/api/upload`, { method: 'PUT', body: new Blob([bytes]) })
      Object.defineProperty(request, 'body', { value: undefined })
      return request
    },
  ],
]

describe.each(bodies)('the replay cap, for %s', (_how, requestWith) => {
  it('does not replay a body one byte over the cap: the page gets the 401, the API saw one send', async () => {
    const { handle, apiSends } = setUp()
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
    const body = bytesOf(CAP + 1)

    const response = await handle(requestWith(body))

    expect(response.status).toBe(401)
    expect(apiSends).toEqual([{ authorization: 'Bearer at-1', body: [...body] }])
  })

  it('replays a body of exactly the cap once, byte-identical, with the renewed token', async () => {
    const { handle, apiSends } = setUp()
    await handle(new Request(`${ORIGIN}/auth/login`, { method: 'POST', body: '{}' }))
    const body = bytesOf(CAP)

    const response = await handle(requestWith(body))

    expect(response.status).toBe(200)
    expect(apiSends).toEqual([
      { authorization: 'Bearer at-1', body: [...body] },
      { authorization: 'Bearer at-2', body: [...body] },
    ])
  })
})
