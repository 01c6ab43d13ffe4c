// A Vue app on sw-token-proxy/vue, as a user writes it: type-checked by the package test
// (tsconfig.vue.json, Bundler and NodeNext) against the tarball's declarations and vue's own.
import { createApp, defineComponent, h } from 'vue'
import { tokenProxyPlugin, useSession, useSessionEvent, useTokenProxy, type SessionEnd } from 'sw-token-proxy/vue'

const describeEnd = (ended: SessionEnd | null): string =>
  ended === null ? '' : ended.event === 'session-ended' ? 'logged out' : `expired (${ended.reason})`

const Session = defineComponent(() => {
  const { authenticated, claims, expiresAt, ended, registering, error } = useSession()
  const { signIn, logout } = useTokenProxy()
  useSessionEvent('session-expiring', ({ secondsLeft }) => console.warn(`ends in ${secondsLeft} s`))
  return () => {
    if (registering.value) return h('p', 'registering')
    if (error.value) return h('p', error.value.message)
    return h('div', [
      h(
        'p',
        authenticated.value ? `signed in as ${String(claims.value?.['sub'])} until ${expiresAt.value}` : 'signed out',
      ),
      h('p', describeEnd(ended.value)),
      authenticated.value
        ? h('button', { onClick: () => void logout() }, 'Log out')
        : h('button', { onClick: () => void signIn({ returnTo: '/' }) }, 'Sign in'),
    ])
  }
})

createApp(Session)
  .use(
    tokenProxyPlugin({ url: '/sw.js', signInCallback: (returnTo) => history.replaceState(null, '', returnTo ?? '/') }),
  )
  .mount('#vue-app')
