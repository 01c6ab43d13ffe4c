import type { Page } from '@playwright/test'
import { expect, expireAccessToken, sessionEventTypes, test as base } from '../playwright/index.ts'
import { demoBuildDir } from '../demo/server/demoBuildDir.ts'
import { AudienceApi } from './support/AudienceApi.ts'
import { OidcApp } from './support/OidcApp.ts'
import { openOidcApp, signIn } from './support/oidcPages.ts'
import { startOidcProvider, type RunningOidcProvider } from './support/OidcProvider.ts'

// Case 32 (e2e/README.md; Policy 11, docs/behaviour.md): two APIs on two sites, each with its own RFC 8707 resource at a
// real oidc-provider (`features.resourceIndicators`), each accepting only JWTs for itself. One
// session, one refresh token, rotated on every use, serialised across three tabs and three expiries.
const SCOPE = 'read'

const test = base.extend<{ app: OidcApp; apis: [AudienceApi, AudienceApi]; provider: RunningOidcProvider }>({
  app: async ({}, use) => {
    const app = await new OidcApp().start(demoBuildDir)
    await use(app)
    await app.close()
  },
  apis: async ({ app }, use) => {
    const apis: [AudienceApi, AudienceApi] = [
      await new AudienceApi().start(app.origin),
      await new AudienceApi().start(app.origin),
    ]
    await use(apis)
    await Promise.all(apis.map((api) => api.close()))
  },
  provider: async ({ app, apis }, use) => {
    const provider = await startOidcProvider({
      clientOrigin: app.origin,
      clientRedirectUris: [`${app.origin}/oidc.html`],
      resourceServers: Object.fromEntries(apis.map((api) => [api.resource, { scope: SCOPE }])),
    })
    app.issuer = provider.issuer
    for (const api of apis) api.issuer = provider.issuer
    // The session's own token stays on the app's /api/; each API's prefix names its resource.
    app.api = ['/api/', ...apis.map((api) => ({ prefix: `${api.origin}/`, resource: api.resource }))]
    app.scope = `openid offline_access ${SCOPE}`
    await use(provider)
    await provider.close()
  },
})

/** Every tab calls the app's API and both resource APIs, three times each, all at once. */
async function callEverything(tabs: Page[], urls: string[]): Promise<number[]> {
  const statuses = await Promise.all(
    tabs.map((tab) =>
      tab.evaluate(
        async (targets) => Promise.all(targets.flatMap((url) => [1, 2, 3].map(async () => (await fetch(url)).status))),
        urls,
      ),
    ),
  )
  return statuses.flat()
}

test.describe('many APIs, one refresh token (RFC 8707 resource indicators)', () => {
  test('three tabs × two APIs across three expiries: one refresh-grant per renewal, never a reuse, each API sees only its own tokens', async ({
    page,
    context,
    app,
    apis,
    provider,
  }) => {
    await signIn(page, app, provider)
    const tabs = [page, await context.newPage(), await context.newPage()]
    for (const tab of tabs.slice(1)) await openOidcApp(tab, app)
    const urls = ['/api/data', ...apis.map((api) => `${api.origin}/data`)]

    // First use: each API's token is minted on demand, once, whatever the number of tabs.
    expect(await callEverything(tabs, urls)).toEqual(Array(27).fill(200))
    expect(provider.counters.refreshGrantsByResource).toEqual({ [apis[0].resource]: 1, [apis[1].resource]: 1 })

    // Expired on command (the Playwright helper), never by sleeping past a short lifetime.
    for (let expiry = 1; expiry <= 3; expiry++) {
      await expireAccessToken(page)
      expect(await callEverything(tabs, urls)).toEqual(Array(27).fill(200))
      // Per expiry, one renewal each: the session's token and both APIs', one after another.
      expect(provider.counters.refreshGrantsByResource).toEqual({
        '(none)': expiry,
        [apis[0].resource]: 1 + expiry,
        [apis[1].resource]: 1 + expiry,
      })
    }

    expect(provider.counters.refreshGrants).toBe(2 + 3 * 3)
    expect(provider.counters.grantRevocations).toBe(0)
    for (const api of apis) {
      expect(api.records).toHaveLength((4 * 27) / 3)
      expect(
        api.records.filter(
          (record) =>
            !(
              record.authorized &&
              Array.isArray(record.audience) &&
              record.audience.length === 1 &&
              record.audience[0] === api.resource
            ),
        ),
      ).toEqual([])
    }
    expect(app.records.every((record) => record.authorized)).toBe(true)
    for (const tab of tabs) expect(await sessionEventTypes(tab)).not.toContain('session-expired')
  })
})
