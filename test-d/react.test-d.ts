/**
 * The public types of `sw-token-proxy/react`. Checked by `npm run test:types`; nothing here runs.
 */
import type { ReactNode } from 'react'
import { describe, expectTypeOf, test } from 'vitest'
import type {
  RegisterTokenProxyOptions,
  SessionExpiredReason,
  SessionExpiring,
  TokenProxyClient,
  TokenProxyEvents,
} from '../client/index.js'
import {
  TokenProxyProvider,
  useSession,
  useSessionEvent,
  useTokenProxy,
  type Session,
  type TokenProxyProviderProps,
} from '../react/index.js'

describe('TokenProxyProvider', () => {
  test('takes registerTokenProxy()’s options, a fallback, and an error fallback or a function of the error', () => {
    expectTypeOf<TokenProxyProviderProps>().toExtend<RegisterTokenProxyOptions>()
    expectTypeOf<TokenProxyProviderProps['fallback']>().toEqualTypeOf<ReactNode>()
    expectTypeOf<TokenProxyProviderProps['errorFallback']>().toEqualTypeOf<
      ReactNode | ((error: Error) => ReactNode) | undefined
    >()
    expectTypeOf(TokenProxyProvider).parameter(0).toEqualTypeOf<TokenProxyProviderProps>()
  })
})

describe('useSession', () => {
  test('answers exactly this shape, never a token', () => {
    expectTypeOf(useSession).returns.toEqualTypeOf<Session>()
    expectTypeOf<Session>().toEqualTypeOf<{
      loading: boolean
      authenticated: boolean
      claims: Record<string, unknown> | undefined
      expiresAt: number | null
      sessionEndsAt: number | undefined
      idleEndsAt: number | undefined
      warnsAt: number | undefined
      expiring: SessionExpiring | undefined
      endedBy: SessionExpiredReason | 'logout' | undefined
    }>()
  })
})

describe('useSessionEvent and useTokenProxy', () => {
  test('the handler gets the named event’s payload', () => {
    useSessionEvent('session-expired', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<TokenProxyEvents['session-expired']>()
    })
    useSessionEvent('worker-lost', (payload) => {
      expectTypeOf(payload.reason).toEqualTypeOf<'unregistered' | 'unresponsive'>()
    })
    // @ts-expect-error: not an event
    useSessionEvent('session-started-typo', () => {})
  })

  test('useTokenProxy() answers the client', () => {
    expectTypeOf(useTokenProxy).returns.toEqualTypeOf<TokenProxyClient>()
  })
})
