import { expect, sessionEventTypes, sessionStatus } from '../playwright/index.ts'
import { oidcTest } from './support/oidcFixtures.ts'
import { openOidcApp, signIn } from './support/oidcPages.ts'
import { DEV_INTERACTIONS } from './support/OidcProvider.ts'

// RP-Initiated Logout against oidc-provider: logout({ endSession: true }) ends the session here as
// any logout does, then sends the browser to the provider's end_session_endpoint with the ID token
// as id_token_hint, through a page of this origin the worker answers with the redirect.
const test = oidcTest

test('logout({ endSession: true }) ends the provider’s session: the next sign-in asks for the login again', async ({
  page,
  context,
  app,
  provider,
}) => {
  await signIn(page, app, provider)
  const other = await context.newPage()
  await openOidcApp(other, app)
  await expect(other.locator('#session-state')).toHaveText('signed in')

  // The page never sees the provider's URL: it navigates to the worker's own end-session page.
  const navigations: string[] = []
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations.push(new URL(frame.url()).origin)
  })
  await page.getByRole('button', { name: 'Sign out at the provider too' }).click()
  await page.waitForURL(`${provider.issuer}/**`)
  await page.getByRole('button', { name: 'Yes, sign me out' }).click()
  await page.waitForURL(`${app.origin}/oidc.html`)
  await expect(page.locator('#message')).toHaveText('Signed out here and at the provider.')

  expect(provider.endSessionRequests).toEqual([
    {
      idTokenHintIsLatest: true,
      hasIdTokenHint: true,
      clientId: 'spa',
      postLogoutRedirectUri: `${app.origin}/oidc.html`,
      hasState: true,
    },
  ])
  // The state is checked once and taken off the address bar.
  expect(page.url()).toBe(`${app.origin}/oidc.html`)
  expect(await sessionStatus(page)).toEqual({ authenticated: false, expiresAt: null })
  for (const tab of [page, other])
    await expect
      .poll(async () => (await sessionEventTypes(tab)).filter((type) => type === 'session-ended'))
      .toEqual(['session-ended'])
  expect(navigations).toContain(provider.issuer)

  // The provider's session is gone: signing in again shows its login screen, not just consent.
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${provider.issuer}/**`)
  await expect(page.locator(DEV_INTERACTIONS.loginInput)).toBeVisible()
})

test('without endSession the provider’s session stays: the next sign-in goes straight to consent', async ({
  page,
  app,
  provider,
}) => {
  await signIn(page, app, provider)
  await page.getByRole('button', { name: 'Log out', exact: true }).click()
  await expect(page.locator('#session-state')).toHaveText('signed out')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${provider.issuer}/**`)
  await expect(page.getByRole('button', { name: DEV_INTERACTIONS.consentButton })).toBeVisible()
  await expect(page.locator(DEV_INTERACTIONS.loginInput)).toHaveCount(0)
  expect(provider.endSessionRequests).toEqual([])
})

test('a return to the post-logout page that no logout of this worker started is not taken for one', async ({
  page,
  app,
  provider,
}) => {
  await signIn(page, app, provider)
  await page.goto(`${app.origin}/oidc.html?state=forged-state`)
  await expect(page.locator('#message')).toHaveText('Signed out.')
  expect(page.url()).toBe(`${app.origin}/oidc.html`)
  expect(provider.endSessionRequests).toEqual([])
})
