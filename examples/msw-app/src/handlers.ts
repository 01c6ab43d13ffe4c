// The part of the API this app mocks: GET /api/catalog. Every other /api/ request reaches the
// server, with the token. A handler sees `Authorization: Bearer sw-token-proxy.<id>`, never the
// token: it can check that the request would have been authorised, not with which token.
import { http, HttpResponse } from 'msw'

/** What the handlers saw of each request's Authorization (read by e2e/msw.spec.ts). */
export const handlerSaw: Array<string | null> = []

export const handlers = [
  http.get('/api/catalog', ({ request }) => {
    const authorization = request.headers.get('Authorization')
    handlerSaw.push(authorization)
    if (!authorization?.startsWith('Bearer ')) return new HttpResponse(null, { status: 401 })
    return HttpResponse.json({ items: ['mocked tea', 'mocked cake'] })
  }),
]
