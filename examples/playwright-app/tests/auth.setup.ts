import { expect, test as setup } from '@playwright/test'
import { waitForTokenProxy } from 'sw-token-proxy/playwright'

// Log in once through the UI, then save cookies, storage and IndexedDB for every test to start from.
setup('log in', async ({ page }) => {
  await page.goto('/?auto=0')
  await waitForTokenProxy(page)
  await page.getByLabel('User').fill('demo')
  await page.getByLabel('Password').fill('demo')
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.locator('#session-state')).toHaveText('logged in')

  await page.context().storageState({ path: '.auth/user.json', indexedDB: true })
})
