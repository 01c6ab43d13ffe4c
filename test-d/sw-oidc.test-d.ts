/**
 * The public types of `sw-token-proxy/sw/oidc`. Checked by `npm run test:types`; nothing here runs.
 */
import { describe, expectTypeOf, test } from 'vitest'
import { openIdConnect, type OidcOptions } from '../sw/oidc/index.js'
import type { OidcPlugin, TokenProxyOptions } from '../sw/index.js'

describe('openIdConnect', () => {
  test('takes the provider options and returns what installTokenProxy({ oidc }) accepts', () => {
    expectTypeOf(openIdConnect).toEqualTypeOf<(options: OidcOptions) => OidcPlugin>()
    expectTypeOf({
      api: ['/api/'],
      oidc: openIdConnect({ issuer: 'https://id.example.com', clientId: 'spa', redirectUri: '/callback' }),
    }).toExtend<TokenProxyOptions>()
  })

  test('OidcOptions', () => {
    expectTypeOf<OidcOptions>().toEqualTypeOf<{
      issuer: string
      clientId: string
      redirectUri: string
      scope?: string
      authorizationParams?: Record<string, string>
      timeoutMs?: number
      postLogoutRedirectUri?: string | string[]
      pushedAuthorizationRequests?: 'auto' | boolean
    }>()
    // @ts-expect-error: the redirect URI is required
    const noRedirect: OidcOptions = { issuer: 'https://id.example.com', clientId: 'spa' }
    const secret: OidcOptions = {
      issuer: 'https://id.example.com',
      clientId: 'spa',
      redirectUri: '/callback',
      // @ts-expect-error: a public client has no secret
      clientSecret: 's',
    }
    const par: OidcOptions = {
      issuer: 'https://id.example.com',
      clientId: 'spa',
      redirectUri: '/callback',
      // @ts-expect-error: 'auto', true or false
      pushedAuthorizationRequests: 'required',
    }
    expectTypeOf([noRedirect, secret, par]).items.toEqualTypeOf<OidcOptions>()
  })
})
