/**
 * The public types of `sw-token-proxy/sw`, as a worker script uses them. Checked by
 * `npm run test:types` (tsc through Vitest); nothing here runs.
 */
import { describe, expectTypeOf, test } from 'vitest'
import type { Router } from 'workbox-routing'
import {
  ErrorCode,
  TokenProxyError,
  addTokenProxyRoutes,
  installTokenProxy,
  type ApiEntry,
  type ApiResource,
  type BroadcastMessage,
  type BroadcastPayloads,
  type BroadcastType,
  type OidcPlugin,
  type RefreshFailedReason,
  type SessionExpiredReason,
  type SessionExpiring,
  type SessionOptions,
  type SessionStatus,
  type StepUpRequirement,
  type TokenProxyOptions,
  type TokenProxyRoutesOptions,
} from '../sw/index.js'

declare const oidc: OidcPlugin

describe('installTokenProxy', () => {
  test('takes the options and returns nothing', () => {
    expectTypeOf(installTokenProxy).toEqualTypeOf<(options: TokenProxyOptions) => void>()
    expectTypeOf(installTokenProxy).parameters.toEqualTypeOf<[options: TokenProxyOptions]>()
    expectTypeOf(installTokenProxy).returns.toBeVoid()
  })
})

describe('addTokenProxyRoutes', () => {
  test('takes the options and, optionally, a Workbox router', () => {
    expectTypeOf(addTokenProxyRoutes).parameter(0).toEqualTypeOf<TokenProxyOptions>()
    expectTypeOf(addTokenProxyRoutes).parameter(1).toEqualTypeOf<TokenProxyRoutesOptions | undefined>()
    expectTypeOf(addTokenProxyRoutes).returns.toBeVoid()
    expectTypeOf<TokenProxyRoutesOptions>().toEqualTypeOf<{ router?: Router }>()
  })
})

describe('TokenProxyOptions', () => {
  test('a refresh endpoint, with every option', () => {
    expectTypeOf(installTokenProxy).toBeCallableWith({
      api: ['/api/', 'https://api.example.com/v1/', { prefix: '/billing/', resource: 'https://billing.example.com' }],
      tokenEndpoints: ['/auth/login'],
      refresh: { url: '/auth/refresh', format: 'oauth2', clientId: 'spa', timeoutMs: 5_000 },
      logout: '/auth/logout',
      refreshAheadSeconds: 30,
      replayBodyLimitBytes: 1024,
      tokenResponseLimitBytes: 1024,
      dpop: true,
    })
    expectTypeOf(installTokenProxy).toBeCallableWith({
      api: ['/api/'],
      refresh: { url: '/auth/refresh', format: 'json' },
    })
    expectTypeOf(addTokenProxyRoutes).toBeCallableWith({ api: ['/api/'], refresh: { url: '/auth/refresh' } })
  })

  test('an OpenID Connect provider', () => {
    expectTypeOf(installTokenProxy).toBeCallableWith({
      api: [{ prefix: '/api/', audience: 'api', scope: 'read' }],
      oidc,
    })
  })

  test('`api` entries are strings or ApiResource objects', () => {
    expectTypeOf<TokenProxyOptions['api']>().toEqualTypeOf<ApiEntry[]>()
    expectTypeOf<ApiEntry>().toEqualTypeOf<string | ApiResource>()
    expectTypeOf<ApiResource>().toEqualTypeOf<{
      prefix: string
      resource?: string
      audience?: string
      scope?: string
      cache?: 'network-first' | 'stale-while-revalidate'
    }>()
    expectTypeOf<{ resource: string }>().not.toExtend<ApiResource>()
  })

  test('`refresh` or `oidc`: exactly one', () => {
    // @ts-expect-error: neither refresh nor oidc
    const neither: TokenProxyOptions = { api: ['/api/'] }
    // @ts-expect-error: both refresh and oidc
    const both: TokenProxyOptions = { api: ['/api/'], refresh: { url: '/auth/refresh' }, oidc }
    // @ts-expect-error: no api
    const noApi: TokenProxyOptions = { refresh: { url: '/auth/refresh' } }
    // @ts-expect-error: refresh needs its url
    const noUrl: TokenProxyOptions = { api: ['/api/'], refresh: {} }
    // @ts-expect-error: only the two refresh formats
    const badFormat: TokenProxyOptions = { api: ['/api/'], refresh: { url: '/auth/refresh', format: 'xml' } }
    // @ts-expect-error: an api entry is a string or { prefix, … }
    const badEntry: TokenProxyOptions = { api: [42], refresh: { url: '/auth/refresh' } }
    expectTypeOf([neither, both, noApi, noUrl, badFormat, badEntry]).items.toEqualTypeOf<TokenProxyOptions>()
    // The same, said of the types themselves (a wrong @ts-expect-error above could hide another error).
    type Refresh = NonNullable<TokenProxyOptions['refresh']>
    expectTypeOf<{ api: string[] }>().not.toExtend<TokenProxyOptions>()
    expectTypeOf<{ api: string[]; refresh: Refresh; oidc: OidcPlugin }>().not.toExtend<TokenProxyOptions>()
    expectTypeOf<{ api: string[]; refresh: Refresh }>().toExtend<TokenProxyOptions>()
    expectTypeOf<{ api: string[]; oidc: OidcPlugin }>().toExtend<TokenProxyOptions>()
    expectTypeOf<Refresh>().toEqualTypeOf<{
      url: string
      format?: 'oauth2' | 'json'
      clientId?: string
      timeoutMs?: number
    }>()
  })

  test('an OidcPlugin is made by openIdConnect(), not written by hand', () => {
    expectTypeOf<OidcPlugin>().toHaveProperty('create')
    expectTypeOf<{ issuer: string }>().not.toExtend<OidcPlugin>()
  })
})

describe('errors', () => {
  test('TokenProxyError has a stable code', () => {
    expectTypeOf<TokenProxyError>().toExtend<Error>()
    expectTypeOf<TokenProxyError['code']>().toEqualTypeOf<ErrorCode>()
    expectTypeOf(TokenProxyError).constructorParameters.toEqualTypeOf<
      [code: ErrorCode, message: string, options?: { cause?: unknown; reason?: string }]
    >()
  })

  test('ErrorCode lists the codes', () => {
    expectTypeOf<ErrorCode>().toEqualTypeOf<
      | 'ERR_INVALID_TOKEN_RESPONSE'
      | 'ERR_REPLY_TIMEOUT'
      | 'ERR_PROTOCOL_MISMATCH'
      | 'ERR_INVALID_OPTIONS'
      | 'ERR_STORAGE_FAILED'
      | 'ERR_WORKER_FAILED'
      | 'ERR_SIGN_IN_FAILED'
      | 'ERR_UNSUPPORTED'
      | 'ERR_REGISTRATION_FAILED'
      | 'ERR_WEBSOCKET_TICKET'
      | 'ERR_WEBSOCKET_REFUSED'
    >()
    expectTypeOf(ErrorCode.INVALID_OPTIONS).toEqualTypeOf<'ERR_INVALID_OPTIONS'>()
    expectTypeOf(ErrorCode).toExtend<Readonly<Record<string, ErrorCode>>>()
  })
})

describe('broadcast and status types', () => {
  test('the broadcasts and their payloads', () => {
    expectTypeOf<BroadcastType>().toEqualTypeOf<
      | 'SESSION_STARTED'
      | 'SESSION_REFRESHED'
      | 'SESSION_EXPIRED'
      | 'SESSION_ENDED'
      | 'REFRESH_FAILED'
      | 'STEP_UP_REQUIRED'
      | 'SESSION_EXPIRING'
      | 'SESSION_EXTENDED'
    >()
    expectTypeOf<BroadcastPayloads['SESSION_EXPIRED']>().toEqualTypeOf<{ reason: SessionExpiredReason }>()
    expectTypeOf<BroadcastPayloads['REFRESH_FAILED']>().toEqualTypeOf<{
      reason: RefreshFailedReason
      retryAt: number
    }>()
    expectTypeOf<BroadcastPayloads['STEP_UP_REQUIRED']>().toEqualTypeOf<StepUpRequirement>()
    expectTypeOf<BroadcastMessage['type']>().toEqualTypeOf<BroadcastType>()
    expectTypeOf<BroadcastMessage['source']>().toEqualTypeOf<'sw-token-proxy'>()
  })

  test('the session clock: its options and its broadcasts', () => {
    expectTypeOf<SessionOptions>().toEqualTypeOf<{
      maxSeconds?: number
      idleSeconds?: number
      warnBeforeSeconds?: number
    }>()
    expectTypeOf<TokenProxyOptions['session']>().toEqualTypeOf<SessionOptions | undefined>()
    expectTypeOf<BroadcastPayloads['SESSION_EXPIRING']>().toEqualTypeOf<SessionExpiring>()
    expectTypeOf<'idle'>().toExtend<SessionExpiredReason>()
  })

  test('reasons keep their known values', () => {
    expectTypeOf<'invalid_grant'>().toExtend<SessionExpiredReason>()
    expectTypeOf<'invalid_client'>().toExtend<SessionExpiredReason>()
    expectTypeOf<'http_503'>().toExtend<RefreshFailedReason>()
    expectTypeOf<'offline'>().not.toExtend<RefreshFailedReason>()
  })

  test('SessionStatus never holds a token', () => {
    expectTypeOf<SessionStatus>().toEqualTypeOf<{
      authenticated: boolean
      expiresAt: number | null
      claims?: Record<string, unknown>
      sessionEndsAt?: number
      idleEndsAt?: number
      warnsAt?: number
      expiring?: SessionExpiring
    }>()
    expectTypeOf<StepUpRequirement>().toEqualTypeOf<{ acrValues?: string; maxAge?: number }>()
  })
})
