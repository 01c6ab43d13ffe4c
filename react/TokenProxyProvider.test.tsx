// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react'
import { Component, StrictMode, type ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type * as ClientEntry from '../client/index.ts'
import { TokenProxyUnsupportedError, type TokenProxyClient, type TokenProxyStatus } from '../client/index.ts'
import { TokenProxyProvider, useSession, useSessionEvent, useTokenProxy } from './index.ts'
import { fakeClient, type FakeClient } from '../client/testClient.ts'

// The provider's registerTokenProxy(), replaced: these tests never register a worker.
const { registerTokenProxy } = vi.hoisted(() => ({ registerTokenProxy: vi.fn<() => Promise<TokenProxyClient>>() }))
vi.mock('../client/index.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof ClientEntry>()),
  registerTokenProxy,
}))

const SIGNED_IN: TokenProxyStatus = { authenticated: true, expiresAt: 60_000, claims: { sub: 'demo' } }

let fake: FakeClient
beforeEach(() => {
  fake = fakeClient()
  registerTokenProxy.mockReset().mockResolvedValue(fake.client)
})
afterEach(cleanup)

/** What an app's status line shows from useSession(), and how often it rendered. */
let renders = 0
function SessionLine() {
  const session = useSession()
  renders += 1
  if (session.loading) return <p>loading</p>
  if (!session.authenticated) return <p>signed out{session.endedBy ? ` (${session.endedBy})` : ''}</p>
  return (
    <p>
      {String(session.claims?.['sub'])} until {session.expiresAt}
      {session.expiring ? `, ends at ${session.expiring.endsAt} (${session.expiring.reason})` : ''}
    </p>
  )
}

function renderApp(children: ReactNode = <SessionLine />) {
  return render(
    <TokenProxyProvider url="/sw.js" timeoutMs={5_000} fallback={<p>registering</p>}>
      {children}
    </TokenProxyProvider>,
  )
}

/** Lets the fake's promises settle and React commit what they caused. */
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)))

describe('<TokenProxyProvider>', () => {
  it('renders the fallback while registering, then the app, registering with its options', async () => {
    let resolve!: (client: TokenProxyClient) => void
    registerTokenProxy.mockReturnValue(new Promise((r) => (resolve = r)))
    renderApp()
    expect(screen.getByText('registering')).toBeTruthy()
    act(() => resolve(fake.client))
    await settle()
    expect(screen.getByText('signed out')).toBeTruthy()
    expect(registerTokenProxy).toHaveBeenCalledExactlyOnceWith({ url: '/sw.js', timeoutMs: 5_000 })
  })

  it('registers once under StrictMode, whose effects run twice', async () => {
    render(
      <StrictMode>
        <TokenProxyProvider fallback={<p>registering</p>}>
          <SessionLine />
        </TokenProxyProvider>
      </StrictMode>,
    )
    await settle()
    expect(screen.getByText('signed out')).toBeTruthy()
    expect(registerTokenProxy).toHaveBeenCalledTimes(1)
  })

  it('renders errorFallback with the error, such as an unsupported browser’s userMessage', async () => {
    const unsupported = new TokenProxyUnsupportedError('no-service-worker')
    registerTokenProxy.mockRejectedValue(unsupported)
    render(
      <TokenProxyProvider
        fallback={<p>registering</p>}
        errorFallback={(error) => (
          <p role="alert">{error instanceof TokenProxyUnsupportedError ? error.userMessage : error.message}</p>
        )}
      >
        <SessionLine />
      </TokenProxyProvider>,
    )
    await settle()
    expect(screen.getByRole('alert').textContent).toBe(unsupported.userMessage)
    expect(screen.queryByText('registering')).toBeNull()
  })

  it('renders an errorFallback element as it is', async () => {
    registerTokenProxy.mockRejectedValue(new Error('[sw-token-proxy] Failed to register the service worker /sw.js'))
    render(
      <TokenProxyProvider errorFallback={<p>no proxy</p>}>
        <SessionLine />
      </TokenProxyProvider>,
    )
    await settle()
    expect(screen.getByText('no proxy')).toBeTruthy()
  })

  it('without errorFallback, throws the error to the nearest error boundary', async () => {
    const failure = new Error('[sw-token-proxy] Failed to register the service worker /sw.js')
    registerTokenProxy.mockRejectedValue(failure)
    const caught: unknown[] = []
    class Boundary extends Component<{ children: ReactNode }, { failed: boolean }> {
      override state = { failed: false }
      static getDerivedStateFromError = () => ({ failed: true })
      override componentDidCatch(error: unknown) {
        caught.push(error)
      }
      override render() {
        return this.state.failed ? <p>boundary</p> : this.props.children
      }
    }
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    render(
      <Boundary>
        <TokenProxyProvider>
          <SessionLine />
        </TokenProxyProvider>
      </Boundary>,
    )
    await settle()
    consoleError.mockRestore()
    expect(screen.getByText('boundary')).toBeTruthy()
    expect(caught).toEqual([failure])
  })
})

describe('useSession()', () => {
  it('shows the user after a session-started, from any tab', async () => {
    renderApp()
    await settle()
    expect(screen.getByText('signed out')).toBeTruthy()
    fake.worker.status = SIGNED_IN
    act(() => fake.worker.broadcast('session-started', { expiresAt: 60_000 }))
    await settle()
    expect(screen.getByText('demo until 60000')).toBeTruthy()
  })

  it('shows the end, with its reason, after a session-expired and a session-ended', async () => {
    fake.worker.status = SIGNED_IN
    renderApp()
    await settle()
    fake.worker.status = { authenticated: false, expiresAt: null }
    act(() => fake.worker.broadcast('session-expired', { reason: 'invalid_grant' }))
    expect(screen.getByText('signed out (invalid_grant)')).toBeTruthy()

    fake.worker.status = SIGNED_IN
    act(() => fake.worker.broadcast('session-started', { expiresAt: 60_000 }))
    await settle()
    fake.worker.status = { authenticated: false, expiresAt: null }
    act(() => fake.worker.broadcast('session-ended', {}))
    await settle()
    expect(screen.getByText('signed out (logout)')).toBeTruthy()
  })

  it('re-renders with the new expiry on session-refreshed, and not when nothing changed', async () => {
    fake.worker.status = SIGNED_IN
    renderApp()
    await settle()
    expect(screen.getByText('demo until 60000')).toBeTruthy()
    fake.worker.status = { ...SIGNED_IN, expiresAt: 120_000 }
    act(() => fake.worker.broadcast('session-refreshed', { expiresAt: 120_000 }))
    await settle()
    expect(screen.getByText('demo until 120000')).toBeTruthy()

    const before = renders
    act(() => fake.worker.broadcast('session-extended', { sessionEndsAt: null, idleEndsAt: null }))
    await settle()
    expect(renders).toBe(before)
  })

  it('shows the session clock’s warning while it holds', async () => {
    fake.worker.status = SIGNED_IN
    renderApp()
    await settle()
    const expiring = { endsAt: 90_000, secondsLeft: 30, reason: 'idle' } as const
    fake.worker.status = { ...SIGNED_IN, idleEndsAt: 90_000, warnsAt: 60_000, expiring }
    act(() => fake.worker.broadcast('session-expiring', expiring))
    await settle()
    expect(screen.getByText('demo until 60000, ends at 90000 (idle)')).toBeTruthy()
    fake.worker.status = { ...SIGNED_IN, idleEndsAt: 200_000, warnsAt: 170_000 }
    act(() => fake.worker.broadcast('session-extended', { sessionEndsAt: null, idleEndsAt: 200_000 }))
    await settle()
    expect(screen.getByText('demo until 60000')).toBeTruthy()
  })

  it('stops listening when the last component using it unmounts', async () => {
    const view = renderApp()
    await settle()
    expect(fake.worker.listeners('session-started')).toBe(1)
    view.unmount()
    expect(fake.worker.listeners()).toBe(0)
  })

  it('says where it must be used, outside a provider', () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(<SessionLine />)).toThrow(
      '[sw-token-proxy] Failed to use useSession(): no <TokenProxyProvider> is above this component.',
    )
    consoleError.mockRestore()
  })
})

describe('useSessionEvent()', () => {
  function Listener({ onEvent }: { onEvent: (reason: string) => void }) {
    useSessionEvent('session-expired', ({ reason }) => onEvent(reason))
    return null
  }

  it('calls the latest handler, and stops listening on unmount', async () => {
    const first = vi.fn()
    const second = vi.fn()
    const view = renderApp(<Listener onEvent={first} />)
    await settle()
    view.rerender(
      <TokenProxyProvider url="/sw.js" timeoutMs={5_000} fallback={<p>registering</p>}>
        <Listener onEvent={second} />
      </TokenProxyProvider>,
    )
    act(() => fake.worker.broadcast('session-expired', { reason: 'idle' }))
    expect(first).not.toHaveBeenCalled()
    expect(second).toHaveBeenCalledExactlyOnceWith('idle')
    // One listener, not one per render.
    expect(fake.worker.listeners('session-expired')).toBe(1)
    view.unmount()
    expect(fake.worker.listeners()).toBe(0)
  })
})

describe('useTokenProxy()', () => {
  it('answers the registered client, for the sign-in and logout buttons', async () => {
    function Buttons() {
      const proxy = useTokenProxy()
      return (
        <>
          <button onClick={() => void proxy.signIn({ returnTo: '/inbox' })}>Sign in</button>
          <button onClick={() => void proxy.logout()}>Log out</button>
        </>
      )
    }
    renderApp(<Buttons />)
    await settle()
    act(() => screen.getByText('Sign in').click())
    act(() => screen.getByText('Log out').click())
    expect(fake.client.signIn).toHaveBeenCalledExactlyOnceWith({ returnTo: '/inbox' })
    expect(fake.client.logout).toHaveBeenCalledOnce()
  })
})
