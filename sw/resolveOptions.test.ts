import { describe, expect, it } from 'vitest'
import { openIdConnect } from './oidc/openIdConnect.js'
import type { TokenProxyOptions } from './glossary.js'
import { resolveOptions } from './resolveOptions.js'

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
    expect(resolved.renewal).toMatchObject({
      via: 'refresh-endpoint',
      endpoint: { format: 'oauth2', timeoutMs: 10_000, responseLimitBytes: 256 * 1024 },
    })
    expect(resolved.refreshAheadSeconds).toBe(30)
    expect(resolved.replayBodyLimitBytes).toBe(10 * 1024 * 1024)
  })

  it('refuses options it cannot work with, naming the option and the fix', () => {
    expectInvalid(
      undefined,
      /^\[sw-token-proxy\] Failed to install the token proxy: no options were given\. Fix the options passed to installTokenProxy\(\)\.$/,
    )
    expectInvalid({ ...base, api: [] }, /"api" must list at least one URL prefix/)
    expectInvalid(
      { ...base, api: ['ftp://files.example/'] },
      /"api\[0\]" "ftp:\/\/files.example\/" is not an http\(s\) URL prefix/,
    )
    expectInvalid({ ...base, api: ['/api/?x=1'] }, /"api\[0\]" .* has a query or fragment/)
    expectInvalid({ api: ['/api/'] }, /give "refresh" \(a refresh endpoint\) or "oidc"/)
    expectInvalid({ ...base, refresh: { url: '/r', format: 'xml' } }, /"refresh.format" must be "oauth2" or "json"/)
    expectInvalid({ ...base, refreshAheadSeconds: -1 }, /"refreshAheadSeconds" must be a non-negative number/)
    expectInvalid({ ...base, dpop: 'yes' as never }, /"dpop" must be true or false/)
    expectInvalid({ ...base, oidc: { issuer: 'https://id.example' } }, /"oidc" must be made with openIdConnect\(\)/)
    expectInvalid(
      { ...base, oidc: openIdConnect({ issuer: 'https://id.example', clientId: 'spa', redirectUri: '/cb' }) },
      /give "refresh" or "oidc", not both/,
    )
  })

  it('accepts dpop with per-API tokens and with an OpenID Connect provider', () => {
    const api = ['/api/', { prefix: '/orders/', resource: 'https://orders.example/' }]
    expect(resolveOptions({ ...base, api, dpop: true }, ORIGIN).dpop).toBe(true)
    const oidc = openIdConnect({ issuer: 'https://id.example', clientId: 'spa', redirectUri: '/callback' })
    expect(resolveOptions({ api, oidc, dpop: true }, ORIGIN).dpop).toBe(true)
  })

  it('accepts an OpenID Connect provider instead of a refresh endpoint', () => {
    const oidc = openIdConnect({ issuer: 'https://id.example', clientId: 'spa', redirectUri: '/callback' })
    const resolved = resolveOptions({ api: ['https://api.example/v1/'], oidc }, ORIGIN)

    expect(resolved.renewal).toEqual({ via: 'oidc', plugin: oidc })
    expect(resolved.tokenEndpoints).toEqual([])
  })
})

describe('openIdConnect', () => {
  const environment = {
    origin: ORIGIN,
    fetch: () => Promise.reject(new Error('no network in this test')),
    now: () => 0,
  } as unknown as Parameters<ReturnType<typeof openIdConnect>['create']>[0]

  it('refuses a redirect URI on another origin: the worker redeems the code on this one', () => {
    expect(() =>
      openIdConnect({
        issuer: 'https://id.example',
        clientId: 'spa',
        redirectUri: 'https://elsewhere.example/cb',
      }).create(environment),
    ).toThrow(/"oidc.redirectUri" must be a page of this origin/)
  })

  it('refuses a missing client id', () => {
    expect(() =>
      openIdConnect({ issuer: 'https://id.example', clientId: '', redirectUri: '/cb' }).create(environment),
    ).toThrow(/"oidc.clientId" must be a non-empty string/)
  })

  it('refuses a timeout that is not a positive number of milliseconds', () => {
    expect(() =>
      openIdConnect({ issuer: 'https://id.example', clientId: 'spa', redirectUri: '/cb', timeoutMs: 0 }).create(
        environment,
      ),
    ).toThrow(/"oidc.timeoutMs" must be a positive number/)
  })
})

describe('resolveOptions: api entries that name their own token (Policy 11)', () => {
  it('keeps string entries on the session token and gives each resource, audience or scope a target', () => {
    const resolved = resolveOptions(
      {
        ...base,
        api: [
          '/api/',
          { prefix: 'https://orders.example/', resource: 'https://orders.example/' },
          { prefix: 'https://orders.example/billing/', audience: 'billing', scope: 'invoices:read invoices:write' },
          { prefix: '/reports/' },
        ],
      },
      ORIGIN,
    )

    expect(resolved.api.map((prefix) => prefix.target)).toEqual([
      undefined,
      { key: 'resource=https%3A%2F%2Forders.example%2F', resource: 'https://orders.example/' },
      {
        key: 'audience=billing&scope=invoices%3Aread+invoices%3Awrite',
        audience: 'billing',
        scope: 'invoices:read invoices:write',
      },
      undefined,
    ])
  })

  it('refuses entries it could not send a token for unambiguously, naming the entry and the fix', () => {
    expectInvalid(
      { ...base, api: [42] },
      /^\[sw-token-proxy\] Failed to install the token proxy: "api\[0\]" must be a URL prefix string or an object \{ prefix, resource\?, audience\?, scope\? \}\. Fix the options passed to installTokenProxy\(\)\.$/,
    )
    expectInvalid(
      { ...base, api: [{ resource: 'https://a.example/' }] },
      /"api\[0\]\.prefix" must be a non-empty string/,
    )
    expectInvalid(
      { ...base, api: [{ prefix: '/a/', resources: ['x'] }] },
      /"api\[0\]" has an unknown field "resources"/,
    )
    expectInvalid(
      { ...base, api: [{ prefix: '/a/', resource: 'orders' }] },
      /"api\[0\]\.resource" must be an absolute URI without a fragment \(RFC 8707\)/,
    )
    expectInvalid(
      { ...base, api: [{ prefix: '/a/', resource: 'https://a.example/#x' }] },
      /"api\[0\]\.resource" must be an absolute URI without a fragment/,
    )
    expectInvalid(
      { ...base, api: [{ prefix: '/a/', audience: '' }] },
      /"api\[0\]\.audience" must be a non-empty string without control characters/,
    )
    expectInvalid(
      { ...base, api: [{ prefix: '/a/', scope: 'read\r\nwrite' }] },
      /"api\[0\]\.scope" must be a non-empty string without control characters/,
    )
    expectInvalid(
      { ...base, api: [{ prefix: '/a/', scope: 'read  write' }] },
      /"api\[0\]\.scope" must be scope names separated by single spaces/,
    )
    expectInvalid(
      { ...base, api: ['/api/', { prefix: '/api', resource: 'https://a.example/' }] },
      /"api\[0\]" and "api\[1\]" are the same prefix \(https:\/\/app\.example\/api\/\); list each prefix once/,
    )
  })
})
