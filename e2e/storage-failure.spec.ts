import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch, storedTokensDigest } from './support/tabs.ts'

// Policy 2 (docs/behaviour.md) when IndexedDB is unavailable or failing. A clear error, no
// half-written session, recovery.
test('when the token database cannot be opened, login and API calls get a clear 503 error, and recover once it can', async ({
  page,
  app,
}) => {
  // Any same-origin script can do this (Policy 2): take the database name at a newer version.
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const open = indexedDB.open('sw-token-proxy', 99)
        open.onsuccess = () => (open.result.close(), resolve())
      }),
  )

  const login = await logIn(page)
  expect(login.status).toBe(503)
  expect(login.body).toMatchObject({ error: 'token_proxy_error', code: 'ERR_STORAGE_FAILED' })
  expect(String(login.body['error_description'])).toMatch(
    /^\[sw-token-proxy\] Failed to open the token database: VersionError: .+\. Check that IndexedDB is available/,
  )
  expect(app.auth.issuedTokens.some((token) => JSON.stringify(login.body).includes(token))).toBe(false)
  // The worker knows there is no session (its memory copy), so the API call goes out untouched.
  expect((await pageFetch(page, '/api/while-broken')).status).toBe(401)
  expect(app.api.records).toEqual([expect.objectContaining({ path: '/api/while-broken', authScheme: null })])

  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        indexedDB.deleteDatabase('sw-token-proxy').onsuccess = () => resolve()
      }),
  )
  expect((await logIn(page)).status).toBe(200)
  expect(await storedTokensDigest(page)).not.toBeNull()
  expect((await pageFetch(page, '/api/after-repair')).status).toBe(200)
})
