// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick, type Component } from 'vue'
import type * as ClientEntry from '../client/index.js'
import { registerTokenProxy, TokenProxyUnsupportedError, type TokenProxyClient } from '../client/index.js'
import { deferred, fakeClient } from '../client/testClient.js'
import { tokenProxyPlugin, useSession, useSessionEvent, useTokenProxy, type TokenProxyPluginOptions } from './index.js'

vi.mock('../client/index.js', async (importOriginal) => ({
  ...(await importOriginal<typeof ClientEntry>()),
  registerTokenProxy: vi.fn(),
}))
const register = vi.mocked(registerTokenProxy)

/** What a user reads: loading, the error, who is signed in until when, and how it ended. */
const SessionView = defineComponent(() => {
  const { loading, authenticated, claims, expiresAt, idleEndsAt, expiring, endedBy, error } = useSession()
  return () => {
    if (loading.value) return h('p', 'Loading…')
    if (error.value) return h('p', { class: 'error' }, error.value.message)
    return h('div', [
      h('p', { class: 'user' }, authenticated.value ? `Signed in as ${String(claims.value?.['sub'])}` : 'Signed out'),
      h('p', { class: 'expiry' }, String(expiresAt.value)),
      h('p', { class: 'idle' }, String(idleEndsAt.value)),
      h('p', { class: 'warning' }, expiring.value ? `Ends in ${expiring.value.secondsLeft} s` : ''),
      h(
        'p',
        { class: 'end' },
        endedBy.value === undefined ? '' : endedBy.value === 'logout' ? 'Logged out' : `Expired: ${endedBy.value}`,
      ),
    ])
  }
})

function mountApp(component: Component = SessionView, options: TokenProxyPluginOptions = { url: '/sw.js' }) {
  return mount(component, { global: { plugins: [tokenProxyPlugin(options)] } })
}

/** A registration that resolves at once with a fresh fake client. */
function registered() {
  const fake = fakeClient()
  register.mockResolvedValue(fake.client)
  return fake
}

describe('sw-token-proxy/vue over a fake client', () => {
  // Braces: a function returned from beforeEach would be called as its teardown.
  beforeEach(() => {
    register.mockReset()
  })
  afterEach(() => history.replaceState(null, '', '/'))

  it('says loading until the worker controls the page, then shows the status', async () => {
    const { client } = fakeClient()
    const registration = deferred<TokenProxyClient>()
    register.mockReturnValue(registration.promise)
    const wrapper = mountApp()
    expect(wrapper.text()).toBe('Loading…')
    registration.resolve(client)
    await flushPromises()
    expect(wrapper.find('.user').text()).toBe('Signed out')
    expect(register).toHaveBeenCalledWith({ url: '/sw.js' })
  })

  it('shows the unsupported browser’s message, and the actions reject with it', async () => {
    const unsupported = new TokenProxyUnsupportedError('no-service-worker')
    register.mockRejectedValue(unsupported)
    let proxy: ReturnType<typeof useTokenProxy> | undefined
    const wrapper = mountApp(
      defineComponent(() => {
        proxy = useTokenProxy()
        return () => h(SessionView)
      }),
    )
    await flushPromises()
    expect(wrapper.find('.error').text()).toBe(unsupported.message)
    expect(proxy!.error.value).toBe(unsupported)
    expect(proxy!.loading.value).toBe(false)
    expect(proxy!.client.value).toBeNull()
    await expect(proxy!.logout()).rejects.toBe(unsupported)
  })

  it('shows the user after session-started, a new expiry after session-refreshed, the end after session-expired', async () => {
    const { worker } = registered()
    const wrapper = mountApp()
    await flushPromises()

    worker.status = { authenticated: true, expiresAt: 1_000, claims: { sub: 'alice' }, idleEndsAt: 5_000 }
    worker.broadcast('session-started', { expiresAt: 1_000 })
    await flushPromises()
    expect(wrapper.find('.user').text()).toBe('Signed in as alice')
    expect(wrapper.find('.expiry').text()).toBe('1000')
    expect(wrapper.find('.idle').text()).toBe('5000')

    worker.status = { ...worker.status, expiresAt: 2_000 }
    worker.broadcast('session-refreshed', { expiresAt: 2_000 })
    await flushPromises()
    expect(wrapper.find('.expiry').text()).toBe('2000')

    worker.status = { authenticated: false, expiresAt: null }
    worker.broadcast('session-expired', { reason: 'invalid_grant' })
    await flushPromises()
    expect(wrapper.find('.user').text()).toBe('Signed out')
    expect(wrapper.find('.end').text()).toBe('Expired: invalid_grant')

    // A new login clears the end.
    worker.status = { authenticated: true, expiresAt: 3_000, claims: { sub: 'bob' } }
    worker.broadcast('session-started', { expiresAt: 3_000 })
    await flushPromises()
    expect(wrapper.find('.user').text()).toBe('Signed in as bob')
    expect(wrapper.find('.end').text()).toBe('')
  })

  it('shows the logout at once, before the status read answers', async () => {
    const { client, worker } = registered()
    worker.status = { authenticated: true, expiresAt: 1_000, claims: { sub: 'alice' } }
    const wrapper = mountApp()
    await flushPromises()
    expect(wrapper.find('.user').text()).toBe('Signed in as alice')

    client.status.mockReturnValueOnce(new Promise(() => undefined))
    worker.broadcast('session-ended', {})
    await nextTick()
    expect(wrapper.find('.user').text()).toBe('Signed out')
    expect(wrapper.find('.end').text()).toBe('Logged out')
  })

  it('keeps how the session ended until a status read says one runs again, as React’s useSession() does', async () => {
    const { worker } = registered()
    const wrapper = mountApp()
    await flushPromises()
    worker.broadcast('session-ended', {})
    await flushPromises()
    expect(wrapper.find('.end').text()).toBe('Logged out')

    // A tab that missed the new login's 'session-started' (frozen meanwhile) hears its renewal.
    worker.status = { authenticated: true, expiresAt: 2_000, claims: { sub: 'alice' } }
    worker.broadcast('session-refreshed', { expiresAt: 2_000 })
    await flushPromises()
    expect(wrapper.find('.user').text()).toBe('Signed in as alice')
    expect(wrapper.find('.end').text()).toBe('')
  })

  it('follows the session clock’s warning and its withdrawal', async () => {
    const { worker } = registered()
    worker.status = { authenticated: true, expiresAt: 1_000, idleEndsAt: 9_000, warnsAt: 8_000 }
    const wrapper = mountApp()
    await flushPromises()

    const expiring = { endsAt: 9_000, secondsLeft: 30, reason: 'idle' as const }
    worker.status = { ...worker.status, expiring }
    worker.broadcast('session-expiring', expiring)
    await flushPromises()
    expect(wrapper.find('.warning').text()).toBe('Ends in 30 s')

    worker.status = { authenticated: true, expiresAt: 1_000, idleEndsAt: 20_000, warnsAt: 19_000 }
    worker.broadcast('session-extended', { sessionEndsAt: null, idleEndsAt: 20_000 })
    await flushPromises()
    expect(wrapper.find('.warning').text()).toBe('')
    expect(wrapper.find('.idle').text()).toBe('20000')
  })

  it('applies the latest status read when two answer out of order', async () => {
    const { client, worker } = registered()
    const wrapper = mountApp()
    await flushPromises()
    const slow = deferred<typeof worker.status>()
    client.status.mockReturnValueOnce(slow.promise)
    worker.status = { authenticated: true, expiresAt: 2_000, claims: { sub: 'alice' } }
    worker.broadcast('session-started', { expiresAt: 1_000 })
    worker.broadcast('session-refreshed', { expiresAt: 2_000 })
    await flushPromises()
    slow.resolve({ authenticated: true, expiresAt: 1_000, claims: { sub: 'alice' } })
    await flushPromises()
    expect(wrapper.find('.expiry').text()).toBe('2000')
  })

  it('registers once for the app, however many components use it', async () => {
    const { client, worker } = registered()
    const Both = defineComponent(() => () => h('div', [h(SessionView), h(SessionView)]))
    const wrapper = mountApp(Both)
    await flushPromises()
    worker.status = { authenticated: true, expiresAt: 1_000, claims: { sub: 'alice' } }
    worker.broadcast('session-started', { expiresAt: 1_000 })
    await flushPromises()
    expect(wrapper.findAll('.user').map((user) => user.text())).toEqual(['Signed in as alice', 'Signed in as alice'])
    expect(register).toHaveBeenCalledTimes(1)
    // One status read at the start and one for the event, not one per component.
    expect(client.status).toHaveBeenCalledTimes(2)
  })

  it('useSessionEvent listens once registered and stops when the component unmounts', async () => {
    const fake = fakeClient()
    const registration = deferred<TokenProxyClient>()
    register.mockReturnValue(registration.promise)
    const heard: string[] = []
    const Listener = defineComponent(() => {
      useSessionEvent('session-expired', ({ reason }) => heard.push(reason))
      return () => h('span')
    })
    const wrapper = mountApp(Listener)
    registration.resolve(fake.client)
    await flushPromises()
    const plugins = fake.worker.listeners('session-expired')
    fake.worker.broadcast('session-expired', { reason: 'idle' })
    expect(heard).toEqual(['idle'])

    wrapper.unmount()
    // The plugin's own listeners stay (the app still follows the session); the component's is gone.
    expect(fake.worker.listeners('session-expired')).toBe(plugins - 1)
    fake.worker.broadcast('session-expired', { reason: 'invalid_grant' })
    expect(heard).toEqual(['idle'])
  })

  it('signIn() and logout() wait for the registration, then call the client', async () => {
    const { client } = fakeClient()
    const registration = deferred<TokenProxyClient>()
    register.mockReturnValue(registration.promise)
    let proxy: ReturnType<typeof useTokenProxy> | undefined
    mountApp(
      defineComponent(() => {
        proxy = useTokenProxy()
        return () => h('span')
      }),
    )
    const signingIn = proxy!.signIn({ returnTo: '/account' })
    const loggingOut = proxy!.logout({ endSession: true })
    expect(client.signIn).not.toHaveBeenCalled()
    registration.resolve(client)
    await Promise.all([signingIn, loggingOut])
    expect(client.signIn).toHaveBeenCalledWith({ returnTo: '/account' })
    expect(client.logout).toHaveBeenCalledWith({ endSession: true })
    expect(proxy!.client.value).toBe(client)
  })

  it('on the sign-in callback page, completes the sign-in before loading ends, then goes to returnTo', async () => {
    history.replaceState(null, '', '/callback?code=abc&state=xyz')
    const { client, worker } = registered()
    client.completeSignIn.mockImplementation(() => {
      worker.status = { authenticated: true, expiresAt: 1_000, claims: { sub: 'alice' } }
      return Promise.resolve({ returnTo: '/account' })
    })
    const went: Array<string | null> = []
    const wrapper = mountApp(SessionView, { signInCallback: (returnTo) => went.push(returnTo) })
    await flushPromises()
    expect(client.completeSignIn).toHaveBeenCalledTimes(1)
    expect(went).toEqual(['/account'])
    expect(wrapper.find('.user').text()).toBe('Signed in as alice')
  })

  it('with the app’s vue-router, goes to returnTo with router.replace(); a failed callback is the error', async () => {
    history.replaceState(null, '', '/callback?code=abc&state=xyz')
    const { client } = registered()
    client.completeSignIn.mockResolvedValueOnce({ returnTo: '/account' })
    const replace = vi.fn(() => Promise.resolve())
    mount(SessionView, {
      global: { plugins: [tokenProxyPlugin()], config: { globalProperties: { $router: { replace } } } },
    })
    await flushPromises()
    expect(replace).toHaveBeenCalledWith('/account')

    history.replaceState(null, '', '/callback?error=access_denied&state=xyz')
    const failure = new Error('[sw-token-proxy] Failed to complete the sign-in: access_denied. Try again.')
    registered().client.completeSignIn.mockRejectedValueOnce(failure)
    const wrapper = mountApp()
    await flushPromises()
    expect(wrapper.find('.error').text()).toBe(failure.message)
  })

  it('leaves the callback to the app with signInCallback: false', async () => {
    history.replaceState(null, '', '/?code=abc&state=xyz')
    const { client } = registered()
    mountApp(SessionView, { signInCallback: false })
    await flushPromises()
    expect(client.completeSignIn).not.toHaveBeenCalled()
  })

  it('a composable outside an app with the plugin says how to install it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    expect(() => mount(SessionView)).toThrow(
      /^\[sw-token-proxy\] Failed to use useSession\(\): the app has no token proxy.*app\.use\(tokenProxyPlugin/,
    )
    warn.mockRestore()
  })
})
