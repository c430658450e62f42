// Entry of the gradus web UI: Vue app with Pinia, the router, vue-i18n and Element Plus.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { onUnauthenticated } from './api/client'
import { useSession } from './stores/session'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia).use(i18n).use(router).use(ElementPlus)
onUnauthenticated(() => {
  const s = useSession(pinia)
  s.user = null
  if (router.currentRoute.value.path !== '/login') router.push('/login')
})
app.mount('#app')
