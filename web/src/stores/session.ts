// Who is logged in (GET /api/v1/session), log in and out; keeps the CSRF token for the client.
import { defineStore } from 'pinia'
import { api, request, setCsrf, Problem } from '../api/client'

export interface User {
  name: string
  role: 'admin' | 'official' | 'reviewer' | 'enterprise'
  regions: string[]
  parks: string[]
  level: string
  uscc: string
  disabled?: boolean
}

export const useSession = defineStore('session', {
  state: () => ({ user: null as User | null, checked: false }),
  actions: {
    async check() {
      try {
        const d = await api.get<{ user: User; csrf_token?: string }>('/session')
        this.user = d.user
        setCsrf(d.csrf_token || '')
      } catch (e) {
        if (!(e instanceof Problem) || e.status !== 401) throw e
        this.user = null
        setCsrf('')
      }
      this.checked = true
      return this.user
    },
    async login(username: string, password: string) {
      const a = await request<{ csrf_token: string; user: User }>('POST', '/session', { body: { username, password } })
      setCsrf(a.data.csrf_token)
      this.user = a.data.user
      this.checked = true
      return this.user
    },
    async logout() {
      try {
        await api.del('/session')
      } finally {
        this.user = null
        setCsrf('')
      }
    },
  },
})

/** The first page of a role: a firm's own page, else the dashboard. */
export function homeOf(u: User | null): string {
  if (!u) return '/login'
  if (u.role === 'enterprise') return '/enterprises/' + encodeURIComponent(u.uscc)
  return '/dashboard'
}
