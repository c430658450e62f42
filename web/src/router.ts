// Routes and the role guard: unauthenticated users go to the login page, each page names the
// roles that may open it, a firm user lands on (and is kept to) its own enterprise page.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSession, homeOf } from './stores/session'

const staff = ['admin', 'official', 'reviewer']
const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./layout/AdminLayout.vue'),
    children: [
      { path: '', redirect: () => homeOf(useSession().user) },
      { path: 'dashboard', component: () => import('./views/Dashboard.vue'), meta: { roles: staff } },
      { path: 'pool', component: () => import('./views/Pool.vue'), meta: { roles: staff } },
      { path: 'enterprises/:uscc', component: () => import('./views/Enterprise.vue') },
      { path: 'import', component: () => import('./views/Import.vue'), meta: { roles: ['admin', 'official'] } },
      { path: 'potential', component: () => import('./views/Potential.vue'), meta: { roles: staff } },
      { path: 'policy-diff', component: () => import('./views/PolicyDiff.vue'), meta: { roles: staff } },
      { path: 'applications', component: () => import('./views/Applications.vue') },
      { path: 'applications/:id', component: () => import('./views/Application.vue') },
      { path: 'notices', component: () => import('./views/Notices.vue'), meta: { roles: ['admin', 'official'] } },
      { path: 'notices/:id', component: () => import('./views/Notice.vue'), meta: { roles: ['admin', 'official'] } },
      { path: 'policies', component: () => import('./views/Policies.vue') },
      { path: 'admin/users', component: () => import('./views/admin/Users.vue'), meta: { roles: ['admin'] } },
      { path: 'admin/audit', component: () => import('./views/admin/Audit.vue'), meta: { roles: ['admin'] } },
      { path: ':rest(.*)*', redirect: '/' },
    ],
  },
]

export const router = createRouter({ history: createWebHistory('/'), routes })

router.beforeEach(async (to) => {
  const s = useSession()
  if (!s.checked) {
    try {
      await s.check()
    } catch {
      /* server down: the login page shows the error */
    }
  }
  if (to.meta.public) return s.user && to.path === '/login' ? homeOf(s.user) : true
  if (!s.user) return { path: '/login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  const roles = to.meta.roles as string[] | undefined
  if (roles && !roles.includes(s.user.role)) return homeOf(s.user)
  return true
})
