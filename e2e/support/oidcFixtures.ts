import { test as base } from '../../playwright/index.ts'
import { demoBuildDir } from '../../demo/server/demoBuildDir.ts'
import { OidcApp } from './OidcApp.ts'
import { startOidcProvider, type RunningOidcProvider } from './OidcProvider.ts'

/**
 * The OpenID Connect specs' fixtures: the demo's OpenID app (`app`, http://localhost:PORT) and a
 * real oidc-provider on another site (`provider`, http://127.0.0.1:PORT) that knows the app's
 * redirect page; `accessTokenTtlSeconds` is the provider's access token lifetime.
 */
export const oidcTest = base.extend<{ accessTokenTtlSeconds: number; app: OidcApp; provider: RunningOidcProvider }>({
  accessTokenTtlSeconds: [60, { option: true }],
  app: async ({}, use) => {
    const app = await new OidcApp().start(demoBuildDir)
    await use(app)
    await app.close()
  },
  provider: async ({ app, accessTokenTtlSeconds }, use) => {
    const provider = await startOidcProvider({
      clientOrigin: app.origin,
      clientRedirectUris: [`${app.origin}/oidc.html`],
      accessTokenTtlSeconds,
    })
    app.issuer = provider.issuer
    await use(provider)
    await provider.close()
  },
})
