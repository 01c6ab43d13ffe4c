import { expect, test } from 'vitest'
import { describeEngines } from './support/describeEngines.ts'
import { startScene } from './support/startScene.ts'
import { logIn } from './support/tokenProxyTab.ts'

// e2e/README.md cases 12, 19 and 31: after a 401 the request is replayed once, body byte for byte.
// Firefox has no `Request.body` in the worker, so the copy cannot come from the stream there.
const kinds = ['string', 'blob', 'bytes', 'formdata'] as const

describeEngines('replaying a request after a 401', (engine) => {
  for (const kind of kinds) {
    test(`a ${kind} body hit by one 401 is replayed once, byte-identical, with one refresh and one side effect`, async () => {
      const { app, openApp } = await startScene(engine.browser())
      const tab = await openApp()
      await logIn(tab)
      app.api.failNext({ status: 401 })

      const status = await tab.evaluate(async (kind: (typeof kinds)[number]) => {
        const bytes = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) % 251)
        const form = new FormData()
        form.append('note', 'a file follows: héllo')
        form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), 'data.bin')
        const bodies = {
          string: JSON.stringify({ text: 'héllo', list: [1, 2, 3] }),
          blob: new Blob([bytes.subarray(0, 300_000)], { type: 'application/octet-stream' }),
          bytes: bytes.subarray(0, 100_000),
          formdata: form,
        }
        return (await fetch('/api/upload', { method: 'POST', body: bodies[kind] })).status
      }, kind)

      expect(status).toBe(200)
      expect(app.api.records.map((record) => record.status)).toEqual([401, 200])
      const [first, replay] = app.api.records
      expect(first!.bodyBytes).toBeGreaterThan(0)
      expect(replay).toMatchObject({
        method: 'POST',
        path: '/api/upload',
        authorized: true,
        bodyDigest: first!.bodyDigest,
        bodyBytes: first!.bodyBytes,
      })
      expect(app.auth.refreshLog.map((entry) => entry.outcome)).toEqual(['rotated'])
      expect(app.api.sideEffects).toBe(1)
    })
  }
})
