// The page: the plugin registers /sw.js once for the app; every component reads the session
// through useSession() (src/App.vue).
import { createApp } from 'vue'
import { tokenProxyPlugin } from 'sw-token-proxy/vue'
import App from './App.vue'

createApp(App)
  .use(tokenProxyPlugin({ url: '/sw.js' }))
  .mount('#app')
