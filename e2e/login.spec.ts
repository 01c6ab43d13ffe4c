import { expect, test } from './support/fixtures.ts'
import { sessionEventTypes } from '../playwright/index.ts'
import { logIn, pageFetch, readStoredSession } from './support/tabs.ts'

test.describe('login', () => {
  test('keeps the tokens in the worker and hands the page the login response without them', async ({ page, app }) => {
    const { status, body } = await logIn(page)

    expect(status).toBe(200)
    expect(body).toEqual({ token_type: 'Bearer', expires_in: 60, user: { name: 'demo' } })
    expect(app.auth.counters.logins).toBe(1)
    expect(await readStoredSession(page)).toEqual({ generation: 1, hasTokens: true })
    await expect.poll(() => sessionEventTypes(page)).toEqual(['session-started'])
  })

  test('adds the bearer token to a plain fetch of the API once logged in, and not before', async ({ page, app }) => {
    expect((await pageFetch(page, '/api/before')).status).toBe(401)
    await logIn(page)
    const response = await pageFetch(page, '/api/after')

    expect(response.status).toBe(200)
    const [before, after] = app.api.records
    expect(before).toMatchObject({ path: '/api/before', authScheme: null, status: 401 })
    expect(after).toMatchObject({
      path: '/api/after',
      authScheme: 'Bearer',
      authorized: true,
      authorizationCount: 1,
      status: 200,
    })
  })

  test('passes a failed login through unchanged and keeps no session', async ({ page }) => {
    const { status, body } = await logIn(page, 'demo', 'wrong')

    expect(status).toBe(401)
    expect(body).toMatchObject({ error: 'invalid_grant' })
    expect(await readStoredSession(page)).toBeNull()
  })
})
