/**
 * The public types of `sw-token-proxy/vue`. Checked by `npm run test:types`; nothing here runs.
 */
import { describe, expectTypeOf, test } from 'vitest'
import { createApp, type ComputedRef, type Plugin } from 'vue'
import type {
  LogoutOptions,
  RegisterTokenProxyOptions,
  SessionExpiredReason,
  SessionExpiring,
  SignInOptions,
  TokenProxyClient,
} from '../client/index.js'
import type { Session as ReactSession } from '../react/index.js'
import {
  tokenProxyPlugin,
  useSession,
  useSessionEvent,
  useTokenProxy,
  type Session,
  type TokenProxy,
  type TokenProxyPluginOptions,
} from '../vue/index.js'

describe('tokenProxyPlugin', () => {
  test('takes registerTokenProxy()’s options and the sign-in callback’s, and is a Vue plugin', () => {
    expectTypeOf(tokenProxyPlugin).parameters.toEqualTypeOf<[options?: TokenProxyPluginOptions]>()
    expectTypeOf(tokenProxyPlugin).returns.toEqualTypeOf<Plugin>()
    expectTypeOf<TokenProxyPluginOptions>().toExtend<RegisterTokenProxyOptions>()
    expectTypeOf<TokenProxyPluginOptions['signInCallback']>().toEqualTypeOf<
      false | ((returnTo: string | null) => void) | undefined
    >()
    createApp({}).use(tokenProxyPlugin({ url: '/sw.js', type: 'module', signInCallback: false }))
    // @ts-expect-error: true is the default, not a value
    tokenProxyPlugin({ signInCallback: true })
  })
})

describe('useSession', () => {
  test('read-only refs of the session', () => {
    expectTypeOf(useSession).returns.toEqualTypeOf<Session>()
    expectTypeOf<Session>().toEqualTypeOf<{
      loading: ComputedRef<boolean>
      authenticated: ComputedRef<boolean>
      claims: ComputedRef<Readonly<Record<string, unknown>> | undefined>
      expiresAt: ComputedRef<number | null>
      sessionEndsAt: ComputedRef<number | undefined>
      idleEndsAt: ComputedRef<number | undefined>
      warnsAt: ComputedRef<number | undefined>
      expiring: ComputedRef<SessionExpiring | undefined>
      endedBy: ComputedRef<SessionExpiredReason | 'logout' | undefined>
      error: ComputedRef<Error | null>
    }>()
    const { authenticated } = useSession()
    // @ts-expect-error: the session is the worker's to change
    authenticated.value = true
  })

  test('the same fields as React’s useSession(), as refs, plus error', () => {
    type Values<T> = { [K in keyof T]: T[K] extends ComputedRef<infer V> ? V : never }
    expectTypeOf<keyof Session>().toEqualTypeOf<keyof ReactSession | 'error'>()
    // Vue's claims are read-only; every other field has React's type.
    expectTypeOf<Omit<Values<Session>, 'claims' | 'error'>>().toEqualTypeOf<Omit<ReactSession, 'claims'>>()
    expectTypeOf<Values<Session>['claims']>().toEqualTypeOf<Readonly<ReactSession['claims']>>()
  })
})

describe('useSessionEvent', () => {
  test('types the handler by the event', () => {
    useSessionEvent('session-expired', ({ reason }) => expectTypeOf(reason).toEqualTypeOf<SessionExpiredReason>())
    useSessionEvent('worker-lost', ({ reason }) =>
      expectTypeOf(reason).toEqualTypeOf<'unregistered' | 'unresponsive'>(),
    )
    expectTypeOf(useSessionEvent).returns.toBeVoid()
    // @ts-expect-error: not an event
    useSessionEvent('session-over', () => undefined)
  })
})

describe('useTokenProxy', () => {
  test('the client and the actions', () => {
    expectTypeOf(useTokenProxy).returns.toEqualTypeOf<TokenProxy>()
    expectTypeOf<TokenProxy['client']>().toEqualTypeOf<ComputedRef<TokenProxyClient | null>>()
    expectTypeOf<TokenProxy['loading']>().toEqualTypeOf<ComputedRef<boolean>>()
    expectTypeOf<TokenProxy['error']>().toEqualTypeOf<ComputedRef<Error | null>>()
    expectTypeOf<TokenProxy['signIn']>().toEqualTypeOf<(options?: SignInOptions) => Promise<void>>()
    expectTypeOf<TokenProxy['logout']>().toEqualTypeOf<(options?: LogoutOptions) => Promise<void>>()
    expectTypeOf<TokenProxy['stayActive']>().toEqualTypeOf<() => Promise<void>>()
  })
})
