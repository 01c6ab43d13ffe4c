import { expect, test } from './support/fixtures.ts'
import { logIn, pageFetch } from './support/tabs.ts'

// Cases 3, 4 and 5: navigations and no-cors requests never carry the token. (e2e/README.md)
test.describe('requests the page did not make with fetch', () => {
  test('a cross-site form post and link into the API reach it without a token and change nothing', async ({
    page,
    app,
    thirdParty,
  }) => {
    await logIn(page)
    const attack = thirdParty.page(
      '/attack.html',
      `<form id="f" method="POST" action="${app.origin}/api/transfer"><input name="amount" value="1000"></form>
       <a id="link" href="${app.origin}/api/me">win a prize</a>`,
    )
    const attacker = await page.context().newPage()
    await attacker.goto(attack)
    await Promise.all([
      attacker.waitForURL(`${app.origin}/api/transfer`),
      attacker.locator('#f').evaluate((form: HTMLFormElement) => form.submit()),
    ])
    await attacker.goto(attack)
    await Promise.all([attacker.waitForURL(`${app.origin}/api/me`), attacker.click('#link')])

    const forged = app.api.records.filter((record) => record.path === '/api/transfer' || record.path === '/api/me')
    expect(forged).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/api/transfer',
        authScheme: null,
        secFetchSite: 'cross-site',
        status: 401,
      }),
      expect.objectContaining({
        method: 'GET',
        path: '/api/me',
        authScheme: null,
        secFetchSite: 'cross-site',
        status: 401,
      }),
    ])
    expect(app.api.sideEffects).toBe(0)
  })

  test('navigations to the API from the app itself carry no token', async ({ page, app }) => {
    await logIn(page)
    await page.evaluate(() => {
      const form = Object.assign(document.createElement('form'), { method: 'POST', action: '/api/form-post' })
      document.body.append(form)
      form.submit()
    })
    await page.waitForURL('**/api/form-post')
    await page.goto(`${app.origin}/api/typed-url`)

    const navigations = app.api.records.map(({ path, authScheme, secFetchMode }) => ({
      path,
      authScheme,
      secFetchMode,
    }))
    expect(navigations).toEqual([
      { path: '/api/form-post', authScheme: null, secFetchMode: 'navigate' },
      { path: '/api/typed-url', authScheme: null, secFetchMode: 'navigate' },
    ])
  })

  test('images, scripts and no-cors fetches to the API carry no token, and keep their mode', async ({ page, app }) => {
    await logIn(page)
    await page.evaluate(async () => {
      const load = (element: HTMLImageElement | HTMLScriptElement) =>
        new Promise((resolve) => {
          element.onload = element.onerror = resolve
          document.body.append(element)
        })
      await load(Object.assign(document.createElement('img'), { src: '/api/image' }))
      await load(Object.assign(document.createElement('script'), { src: '/api/script' }))
      await fetch('/api/no-cors', { mode: 'no-cors' })
    })

    const seen = app.api.records.map(({ path, authScheme, secFetchMode }) => ({ path, authScheme, secFetchMode }))
    expect(seen).toEqual([
      { path: '/api/image', authScheme: null, secFetchMode: 'no-cors' },
      { path: '/api/script', authScheme: null, secFetchMode: 'no-cors' },
      { path: '/api/no-cors', authScheme: null, secFetchMode: 'no-cors' },
    ])
  })

  test('every method gets the token, OPTIONS and extension methods included', async ({ page, app }) => {
    await logIn(page)
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND']) {
      await pageFetch(page, '/api/any-method', { method, ...(method === 'PROPFIND' && { body: '<propfind/>' }) })
    }

    expect(app.api.records.map(({ method, authorized }) => `${method} ${authorized}`)).toEqual(
      ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND'].map((method) => `${method} true`),
    )
  })

  test("a request with the page's own Authorization passes through untouched, with one header value", async ({
    page,
    app,
  }) => {
    await logIn(page)
    await pageFetch(page, '/api/own-credentials', { headers: { Authorization: 'Basic ZGVtbzpkZW1v' } })

    expect(app.api.records).toEqual([
      expect.objectContaining({ path: '/api/own-credentials', authScheme: 'Basic', authorizationCount: 1 }),
    ])
  })
})
