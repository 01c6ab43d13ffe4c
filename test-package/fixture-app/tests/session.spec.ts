import { expect, test as base } from '@playwright/test'
import { Api, Provider, StaticSite } from './servers.js'

const test = base.extend<{ site: StaticSite; provider: Provider; api: Api }>({
  site: async ({}, use) => {
    const site = await new StaticSite().start()
    await use(site)
    await site.stop()
  },
  provider: async ({}, use) => {
    const provider = await new Provider().start()
    await use(provider)
    await provider.stop()
  },
  api: async ({ site, provider }, use) => {
    const api = await new Api().start(site.origin, provider.issuer)
    await use(api)
    await api.stop()
  },
})

test('login, bearer on fetch and axios, one refresh, then session expired: all through the installed package', async ({
  page,
  site,
  provider,
  api,
}) => {
  await page.goto(
    `${site.origin}/?${new URLSearchParams({ issuer: provider.issuer, api: `${api.origin}/api` }).toString()}`,
  )
  await expect(page.locator('#ready')).toHaveText('ready')

  // Login: the worker keeps the tokens; the page gets the provider's answer without them.
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.locator('#session')).toHaveText('logged in')
  await expect(page.locator('#login')).toHaveText('expires_in,token_type')

  // Bearer: plain fetch and axios (XMLHttpRequest) both reach the API with a token it verifies.
  await page.getByRole('button', { name: 'fetch /api/me' }).click()
  await expect(page.locator('#result')).toHaveText('fetch 200')
  await page.getByRole('button', { name: 'axios /api/me' }).click()
  await expect(page.locator('#result')).toHaveText('axios 200')

  // One refresh: the API says the token expired; the worker refreshes once and replays the call.
  api.expireNextToken()
  await page.getByRole('button', { name: 'fetch /api/me' }).click()
  await expect(page.locator('#result')).toHaveText('fetch 200')
  expect(provider.grants).toEqual([
    { grantType: 'password', status: 200 },
    { grantType: 'refresh_token', status: 200 },
  ])

  // Session expired: the provider refuses the refresh token; the app hears it and the API
  // call gets the API's own 401.
  provider.refuseNextRefresh()
  api.expireNextToken()
  await page.getByRole('button', { name: 'axios /api/me' }).click()
  await expect(page.locator('#result')).toHaveText('axios 401')
  await expect(page.locator('#session')).toHaveText('expired (invalid_grant)')
  expect(provider.grants.map(({ grantType, status }) => `${grantType} ${status}`)).toEqual([
    'password 200',
    'refresh_token 200',
    'refresh_token 400',
  ])

  // Afterwards the API gets no token at all.
  await page.getByRole('button', { name: 'fetch /api/me' }).click()
  await expect(page.locator('#result')).toHaveText('fetch 401')
  expect(api.records).toEqual([
    { path: '/api/me', bearer: true, valid: true, status: 200 },
    { path: '/api/me', bearer: true, valid: true, status: 200 },
    { path: '/api/me', bearer: true, valid: true, status: 401 },
    { path: '/api/me', bearer: true, valid: true, status: 200 },
    { path: '/api/me', bearer: true, valid: true, status: 401 },
    { path: '/api/me', bearer: false, valid: false, status: 401 },
  ])
})
