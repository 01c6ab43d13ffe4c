import { describe, expect, it } from 'vitest'
import { openIdConnect } from './oidc/openIdConnect.js'
import { resolveOptions, type TokenProxyOptions } from './resolveOptions.js'

const ORIGIN = 'https://app.example'
const base: TokenProxyOptions = { api: ['/api/'], tokenEndpoints: ['/auth/login'], refresh: { url: '/auth/refresh' } }

function expectInvalid(options: unknown, why: RegExp): void {
  expect(() => resolveOptions(options as TokenProxyOptions, ORIGIN)).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', message: expect.stringMatching(why) as unknown }) as Error,
  )
}

describe('resolveOptions', () => {
  it('resolves paths against the worker origin and fills the documented defaults', () => {
    const resolved = resolveOptions(base, ORIGIN)

    expect(resolved.api).toEqual([{ origin: ORIGIN, pathPrefix: '/api/' }])
    expect(resolved.tokenEndpoints.map(String)).toEqual([`${ORIGIN}/auth/login`])
    expect(resolved.renewal).toMatchObject({ via: 'refresh-endpoint', endpoint: { format: 'oauth2', timeoutMs: 10_000, responseLimitBytes: 256 * 1024 } })
    expect(resolved.refreshAheadSeconds).toBe(30)
    expect(resolved.replayBodyLimitBytes).toBe(10 * 1024 * 1024)
  })

  it('refuses options it cannot work with, naming the option and the fix', () => {
    expectInvalid(undefined, /^\[sw-token-proxy\] Failed to install the token proxy: no options were given\. Fix the options passed to installTokenProxy\(\)\.$/)
    expectInvalid({ ...base, api: [] }, /"api" must list at least one URL prefix/)
    expectInvalid({ ...base, api: ['ftp://files.example/'] }, /"api\[0\]" "ftp:\/\/files.example\/" is not an http\(s\) URL prefix/)
    expectInvalid({ ...base, api: ['/api/?x=1'] }, /"api\[0\]" .* has a query or fragment/)
    expectInvalid({ api: ['/api/'] }, /give "refresh" \(a refresh endpoint\) or "oidc"/)
    expectInvalid({ ...base, refresh: { url: '/r', format: 'xml' } }, /"refresh.format" must be "oauth2" or "json"/)
    expectInvalid({ ...base, refreshAheadSeconds: -1 }, /"refreshAheadSeconds" must be a non-negative number/)
    expectInvalid({ ...base, oidc: { issuer: 'https://id.example' } }, /"oidc" must be made with openIdConnect\(\)/)
    expectInvalid({ ...base, oidc: openIdConnect({ issuer: 'https://id.example', clientId: 'spa', redirectUri: '/cb' }) }, /give "refresh" or "oidc", not both/)
  })

  it('accepts an OpenID Connect provider instead of a refresh endpoint', () => {
    const oidc = openIdConnect({ issuer: 'https://id.example', clientId: 'spa', redirectUri: '/callback' })
    const resolved = resolveOptions({ api: ['https://api.example/v1/'], oidc }, ORIGIN)

    expect(resolved.renewal).toEqual({ via: 'oidc', plugin: oidc })
    expect(resolved.tokenEndpoints).toEqual([])
  })
})

describe('openIdConnect', () => {
  const environment = { origin: ORIGIN, fetch: () => Promise.reject(new Error('no network in this test')), now: () => 0 } as unknown as Parameters<
    ReturnType<typeof openIdConnect>['create']
  >[0]

  it('refuses a redirect URI on another origin: the worker redeems the code on this one', () => {
    expect(() => openIdConnect({ issuer: 'https://id.example', clientId: 'spa', redirectUri: 'https://elsewhere.example/cb' }).create(environment)).toThrow(
      /"oidc.redirectUri" must be a page of this origin/,
    )
  })

  it('refuses a missing client id', () => {
    expect(() => openIdConnect({ issuer: 'https://id.example', clientId: '', redirectUri: '/cb' }).create(environment)).toThrow(/"oidc.clientId" must be a non-empty string/)
  })

  it('refuses a timeout that is not a positive number of milliseconds', () => {
    expect(() => openIdConnect({ issuer: 'https://id.example', clientId: 'spa', redirectUri: '/cb', timeoutMs: 0 }).create(environment)).toThrow(/"oidc.timeoutMs" must be a positive number/)
  })
})
