// A Vue app on sw-token-proxy/vue, as a user writes it: type-checked by the package test
// (tsconfig.vue.json, Bundler and NodeNext) against the tarball's declarations and vue's own.
import { createApp, defineComponent, h } from 'vue'
import type { SessionExpiredReason } from 'sw-token-proxy/client'
import { tokenProxyPlugin, useSession, useSessionEvent, useTokenProxy } from 'sw-token-proxy/vue'

const describeEnd = (endedBy: SessionExpiredReason | 'logout' | undefined): string =>
  endedBy === undefined ? '' : endedBy === 'logout' ? 'logged out' : `expired (${endedBy})`

const Session = defineComponent(() => {
  const { loading, authenticated, claims, expiresAt, endedBy, error } = useSession()
  const { signIn, logout } = useTokenProxy()
  useSessionEvent('session-expiring', ({ secondsLeft }) => console.warn(`ends in ${secondsLeft} s`))
  return () => {
    if (loading.value) return h('p', 'loading')
    if (error.value) return h('p', error.value.message)
    return h('div', [
      h(
        'p',
        authenticated.value ? `signed in as ${String(claims.value?.['sub'])} until ${expiresAt.value}` : 'signed out',
      ),
      h('p', describeEnd(endedBy.value)),
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
