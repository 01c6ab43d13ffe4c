/**
 * The public types of `sw-token-proxy/client`, as a page uses them. Checked by
 * `npm run test:types`; nothing here runs.
 */
import { describe, expectTypeOf, test } from 'vitest'
import {
  ErrorCode,
  MESSAGE_SOURCE,
  SESSION_EVENT_NAMES,
  TokenProxyError,
  TokenProxyUnsupportedError,
  openAuthenticatedWebSocket,
  registerTokenProxy,
  type LogoutOptions,
  type OpenAuthenticatedWebSocketOptions,
  type RefreshFailedReason,
  type RegisterTokenProxyOptions,
  type SerializedError,
  type SessionEventName,
  type SessionEvents,
  type SessionClockReason,
  type SessionExpiredReason,
  type SessionExpiring,
  type SessionStatus,
  type SignInOptions,
  type StepUpRequirement,
  type TokenProxyClient,
  type TokenProxyDecision,
  type TokenProxyDecisionType,
  type TokenProxyExplanation,
  type TokenProxyProblem,
  type TokenProxyProblemCode,
  type TokenProxyStatus,
  type UnsupportedReason,
  type WorkerProblem,
} from '../client/index.js'
import type { SessionEventName as ProtocolSessionEventName } from '../protocol/messages.js'

declare const proxy: TokenProxyClient

describe('registerTokenProxy', () => {
  test('takes optional options and resolves to the client', () => {
    expectTypeOf(registerTokenProxy).parameters.toEqualTypeOf<[options?: RegisterTokenProxyOptions]>()
    expectTypeOf(registerTokenProxy).returns.toEqualTypeOf<Promise<TokenProxyClient>>()
    expectTypeOf(registerTokenProxy).returns.resolves.toEqualTypeOf<TokenProxyClient>()
    expectTypeOf<RegisterTokenProxyOptions>().toEqualTypeOf<{
      url?: string
      scope?: string
      type?: WorkerType
      timeoutMs?: number
      updateViaCache?: ServiceWorkerUpdateViaCache
      diagnose?: boolean | 'auto'
      debug?: boolean
    }>()
    // @ts-expect-error: the worker is 'classic' or 'module'
    const badType: RegisterTokenProxyOptions = { type: 'shared' }
    expectTypeOf(badType).toEqualTypeOf<RegisterTokenProxyOptions>()
  })
})

describe('the decision log and explain()', () => {
  test("on('decision') gets the typed union, narrowed by its type", () => {
    expectTypeOf(proxy.on('decision', () => {})).toEqualTypeOf<() => void>()
    proxy.on('decision', (decision) => {
      expectTypeOf(decision).toEqualTypeOf<TokenProxyDecision>()
      expectTypeOf(decision.at).toEqualTypeOf<number>()
      if (decision.type === 'token') {
        expectTypeOf(decision.secondsLeft).toEqualTypeOf<number | null>()
        expectTypeOf(decision.api).toEqualTypeOf<string>()
      }
      if (decision.type === 'renewal') expectTypeOf(decision.phase).toEqualTypeOf<'started' | 'joined'>()
      if (decision.type === 'passed')
        expectTypeOf(decision.why).toEqualTypeOf<'navigation' | 'no-cors' | 'own-authorization' | 'not-on-a-prefix'>()
    })
    expectTypeOf<TokenProxyDecisionType>().toEqualTypeOf<
      | 'request'
      | 'passed'
      | 'token'
      | 'no-token'
      | 'renewal'
      | 'renewed'
      | 'unauthorized'
      | 'replay'
      | 'step-up'
      | 'logout'
      | 'session-end'
    >()
    // No decision has a field for a token's value.
    expectTypeOf<Extract<keyof TokenProxyDecision, 'accessToken' | 'refreshToken'>>().toEqualTypeOf<never>()
  })

  test('explain() takes a URL and fetch-like init, and resolves to the explanation', () => {
    expectTypeOf<TokenProxyClient['explain']>().parameters.toEqualTypeOf<
      [url: string | URL, init?: Pick<RequestInit, 'method' | 'mode' | 'headers'>]
    >()
    expectTypeOf(proxy.explain('/api/x')).toEqualTypeOf<Promise<TokenProxyExplanation>>()
    expectTypeOf<TokenProxyExplanation['role']>().toEqualTypeOf<
      'api' | 'token-endpoint' | 'logout' | 'end-session' | 'passed'
    >()
    expectTypeOf<TokenProxyExplanation['attachesToken']>().toEqualTypeOf<boolean>()
    expectTypeOf<NonNullable<TokenProxyExplanation['token']>>().toEqualTypeOf<{
      for: string
      held: boolean
      secondsLeft: number | null
    }>()
    expectTypeOf<TokenProxyExplanation['staticRoute']>().toEqualTypeOf<'network' | 'fetch-event' | undefined>()
    // Workbox: an app route registered before the proxy's takes the request.
    expectTypeOf<TokenProxyExplanation['takenBy']>().toEqualTypeOf<'app-route' | undefined>()
  })
})

describe('on()', () => {
  test('the event names are the lower-case ones', () => {
    expectTypeOf<SessionEventName>().toEqualTypeOf<
      | 'session-started'
      | 'session-refreshed'
      | 'session-expired'
      | 'session-ended'
      | 'refresh-failed'
      | 'step-up-required'
      | 'session-expiring'
      | 'session-extended'
    >()
    // The client's names are the protocol's, one per broadcast.
    expectTypeOf<SessionEventName>().toEqualTypeOf<ProtocolSessionEventName>()
    expectTypeOf<SessionEventName>().toEqualTypeOf<(typeof SESSION_EVENT_NAMES)[keyof typeof SESSION_EVENT_NAMES]>()
    expectTypeOf(SESSION_EVENT_NAMES.SESSION_EXPIRED).toEqualTypeOf<'session-expired'>()
    expectTypeOf({ source: MESSAGE_SOURCE } as const).toEqualTypeOf<{ readonly source: 'sw-token-proxy' }>()
  })

  test('each listener gets its event payload, and on() returns the unsubscribe function', () => {
    expectTypeOf(proxy.on('session-expired', () => {})).toEqualTypeOf<() => void>()
    proxy.on('session-expired', (payload) => expectTypeOf(payload).toEqualTypeOf<{ reason: SessionExpiredReason }>())
    proxy.on('session-started', (payload) => expectTypeOf(payload).toEqualTypeOf<{ expiresAt: number | null }>())
    proxy.on('session-refreshed', (payload) => expectTypeOf(payload).toEqualTypeOf<{ expiresAt: number | null }>())
    proxy.on('session-ended', (payload) => expectTypeOf(payload).toEqualTypeOf<Record<string, never>>())
    proxy.on('refresh-failed', (payload) =>
      expectTypeOf(payload).toEqualTypeOf<{ reason: RefreshFailedReason; retryAt: number }>(),
    )
    proxy.on('step-up-required', (payload) => expectTypeOf(payload).toEqualTypeOf<StepUpRequirement>())
    expectTypeOf<SessionEvents['step-up-required']>().toEqualTypeOf<StepUpRequirement>()
    proxy.on('session-expiring', (payload) =>
      expectTypeOf(payload).toEqualTypeOf<{ endsAt: number; secondsLeft: number; reason: SessionClockReason }>(),
    )
    proxy.on('session-extended', (payload) =>
      expectTypeOf(payload).toEqualTypeOf<{ sessionEndsAt: number | null; idleEndsAt: number | null }>(),
    )
    expectTypeOf<SessionClockReason>().toEqualTypeOf<'idle' | 'refresh_token_lifetime' | 'session_ceiling'>()
    expectTypeOf<SessionClockReason>().toExtend<SessionExpiredReason>()
  })

  test("the worker events: this page's own, not broadcasts", () => {
    proxy.on('worker-replaced', (payload) => expectTypeOf(payload).toEqualTypeOf<{ scriptURL: string }>())
    proxy.on('worker-lost', (payload) =>
      expectTypeOf(payload).toEqualTypeOf<{ reason: 'unregistered' | 'unresponsive' }>(),
    )
    expectTypeOf<WorkerProblem>().toEqualTypeOf<
      { state: 'replaced'; scriptURL: string } | { state: 'lost'; reason: 'unregistered' | 'unresponsive' }
    >()
  })

  test('the wire names and unknown names are refused', () => {
    // @ts-expect-error: the upper-case broadcast types are the wire format only
    proxy.on('SESSION_EXPIRED', () => {})
    // @ts-expect-error: no such event
    proxy.on('session-renewed', () => {})
    // @ts-expect-error: the payload of session-expired has no expiresAt
    proxy.on('session-expired', ({ expiresAt }: { expiresAt: number }) => expiresAt)
  })
})

describe('the client', () => {
  test('the session clock: stayActive() and reportActivity()', () => {
    expectTypeOf<TokenProxyClient['stayActive']>().toEqualTypeOf<() => Promise<void>>()
    expectTypeOf(proxy.reportActivity()).toEqualTypeOf<() => void>()
    proxy.reportActivity({ throttleSeconds: 10 })
    // @ts-expect-error: seconds, a number
    proxy.reportActivity({ throttleSeconds: '10' })
  })

  test('status()', () => {
    expectTypeOf<TokenProxyClient['status']>().toEqualTypeOf<() => Promise<TokenProxyStatus>>()
    expectTypeOf<TokenProxyStatus>().toEqualTypeOf<{
      authenticated: boolean
      expiresAt: number | null
      claims?: Record<string, unknown>
      sessionEndsAt?: number
      idleEndsAt?: number
      warnsAt?: number
      expiring?: SessionExpiring
      registrationError?: SerializedError
      worker?: WorkerProblem
    }>()
    expectTypeOf<SessionStatus>().toEqualTypeOf<{
      authenticated: boolean
      expiresAt: number | null
      claims?: Record<string, unknown>
      sessionEndsAt?: number
      idleEndsAt?: number
      warnsAt?: number
      expiring?: SessionExpiring
    }>()
  })

  test('logout(), signIn(), completeSignIn(), registration', () => {
    expectTypeOf<TokenProxyClient['logout']>().toEqualTypeOf<(options?: LogoutOptions) => Promise<void>>()
    expectTypeOf<LogoutOptions>().toEqualTypeOf<{ endSession?: boolean; postLogoutRedirectUri?: string }>()
    expectTypeOf<TokenProxyClient['completeLogout']>().toEqualTypeOf<() => Promise<{ endedAtProvider: boolean }>>()
    expectTypeOf<TokenProxyClient['signIn']>().toEqualTypeOf<(options?: SignInOptions) => Promise<void>>()
    expectTypeOf<SignInOptions>().toEqualTypeOf<{ returnTo?: string; acrValues?: string; maxAge?: number }>()
    expectTypeOf<TokenProxyClient['completeSignIn']>().toEqualTypeOf<() => Promise<{ returnTo: string | null }>>()
    expectTypeOf(proxy.registration).toEqualTypeOf<ServiceWorkerRegistration>()
    // A step-up event's detail is a valid signIn() argument as it is.
    proxy.on('step-up-required', (requirement) => void proxy.signIn({ ...requirement, returnTo: '/' }))
    expectTypeOf<StepUpRequirement>().toExtend<SignInOptions>()
  })

  test('diagnose(): the setup check resolves to typed problems', () => {
    expectTypeOf<TokenProxyClient['diagnose']>().toEqualTypeOf<() => Promise<TokenProxyProblem[]>>()
    expectTypeOf<TokenProxyProblem>().toEqualTypeOf<{ code: TokenProxyProblemCode; message: string; fix: string }>()
    expectTypeOf<TokenProxyProblemCode>().toEqualTypeOf<
      | 'not-controlled'
      | 'worker-replaced'
      | 'worker-lost'
      | 'version-mismatch'
      | 'scope-excludes-page'
      | 'static-routes-refused'
      | 'route-shadowed'
      | 'api-prefix-missed'
      | 'csp-blocks-worker'
      | 'csp-blocks-api'
      | 'cors-hides-challenge'
      | 'issuer-unreachable'
      | 'issuer-mismatch'
      | 'worker-unanswered'
    >()
    // @ts-expect-error: 'auto', or a boolean
    const badDiagnose: RegisterTokenProxyOptions = { diagnose: 'always' }
    expectTypeOf(badDiagnose).toEqualTypeOf<RegisterTokenProxyOptions>()
  })

  test('the client holds no token', () => {
    expectTypeOf<TokenProxyClient>().not.toHaveProperty('accessToken')
    expectTypeOf<TokenProxyClient>().not.toHaveProperty('refreshToken')
    expectTypeOf<TokenProxyProblem>().not.toHaveProperty('accessToken')
    expectTypeOf<SessionStatus>().not.toHaveProperty('accessToken')
  })
})

describe('openAuthenticatedWebSocket', () => {
  test('takes a URL and the ticket endpoint, resolves to a WebSocket', () => {
    expectTypeOf(openAuthenticatedWebSocket).parameters.toEqualTypeOf<
      [url: string | URL, options: OpenAuthenticatedWebSocketOptions]
    >()
    expectTypeOf(openAuthenticatedWebSocket).returns.resolves.toEqualTypeOf<WebSocket>()
    expectTypeOf<OpenAuthenticatedWebSocketOptions>().toEqualTypeOf<{
      ticketUrl: string | URL
      protocols?: string | string[]
      ticketParam?: string
    }>()
  })
})

describe('errors', () => {
  test('TokenProxyError and its code', () => {
    expectTypeOf<TokenProxyError>().toExtend<Error>()
    expectTypeOf(TokenProxyError).toBeConstructibleWith(ErrorCode.INVALID_OPTIONS, 'message', { cause: new Error() })
    expectTypeOf<(typeof TokenProxyError)['fromJSON']>().toEqualTypeOf<(data: SerializedError) => TokenProxyError>()
    expectTypeOf<TokenProxyError['code']>().toEqualTypeOf<ErrorCode>()
    expectTypeOf<TokenProxyError['toJSON']>().returns.toEqualTypeOf<SerializedError>()
    expectTypeOf<SerializedError>().toEqualTypeOf<{ code: ErrorCode; message: string; reason?: string }>()
    expectTypeOf<TokenProxyError['reason']>().toEqualTypeOf<string | undefined>()
    expectTypeOf(ErrorCode.REPLY_TIMEOUT).toEqualTypeOf<'ERR_REPLY_TIMEOUT'>()
    expectTypeOf<'ERR_NOPE'>().not.toExtend<ErrorCode>()
  })

  test('TokenProxyUnsupportedError is a TokenProxyError with ERR_UNSUPPORTED, a reason and a userMessage', () => {
    expectTypeOf<TokenProxyUnsupportedError>().toExtend<TokenProxyError>()
    expectTypeOf(TokenProxyUnsupportedError).toBeConstructibleWith('blocked', { detail: 'refused' })
    expectTypeOf<TokenProxyUnsupportedError['code']>().toEqualTypeOf<'ERR_UNSUPPORTED'>()
    expectTypeOf<TokenProxyUnsupportedError['reason']>().toEqualTypeOf<UnsupportedReason>()
    expectTypeOf<TokenProxyUnsupportedError['userMessage']>().toBeString()
    expectTypeOf<UnsupportedReason>().toEqualTypeOf<
      'insecure-context' | 'no-service-worker' | 'no-indexeddb' | 'blocked'
    >()
  })
})
