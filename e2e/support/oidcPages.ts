import { expect, type Page } from '@playwright/test'
import { waitForTokenProxy } from '../../playwright/index.ts'
import type { OidcApp } from './OidcApp.ts'
import { DEV_INTERACTIONS, type RunningOidcProvider } from './OidcProvider.ts'

/** Which of the app's OpenID Connect pages: `/oidc.html` (worker `/sw-oidc.js`) unless said. */
export interface OidcPageOptions {
  /** `/oidc-session.html`: the worker with the session clock, `/sw-oidc-session.js`. */
  path?: string
}

/** Opens the app's OpenID Connect page, controlled by its worker. */
export async function openOidcApp(
  page: Page,
  app: OidcApp,
  { path = '/oidc.html' }: OidcPageOptions = {},
): Promise<void> {
  await page.goto(`${app.origin}${path}`)
  await waitForTokenProxy(page)
}

/**
 * Goes through the provider's development login and consent screens as `login`, from the moment
 * the page was sent there, until the app's page says it is signed in.
 */
export async function logInAtProvider(
  page: Page,
  app: OidcApp,
  provider: RunningOidcProvider,
  login = 'alice',
  { path = '/oidc.html' }: OidcPageOptions = {},
): Promise<void> {
  await page.waitForURL(`${provider.issuer}/**`)
  await page.locator(DEV_INTERACTIONS.loginInput).fill(login)
  await page.locator(DEV_INTERACTIONS.passwordInput).fill('any password')
  await page.getByRole('button', { name: DEV_INTERACTIONS.loginButton }).click()
  await page.getByRole('button', { name: DEV_INTERACTIONS.consentButton }).click()
  await page.waitForURL(`${app.origin}${path}**`)
  await expect(page.locator('#session-state')).toHaveText('signed in')
}

/** Opens the app and signs in as `login` through the real redirect flow. */
export async function signIn(
  page: Page,
  app: OidcApp,
  provider: RunningOidcProvider,
  login = 'alice',
  options: OidcPageOptions = {},
): Promise<void> {
  await openOidcApp(page, app, options)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await logInAtProvider(page, app, provider, login, options)
}
