// The signed-in user (`Me`) and the CSRF token, from login or from /auth/me at start.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api } from '@/api/client'
import { authApi } from '@/api/endpoints'
import type { Me, SessionResponse } from '@/api/types'
import { can as canDo, hasRole, type Action, type ParentLookup } from '@/lib/permissions'
import { useLocaleStore } from './locale'

export const useSessionStore = defineStore('session', () => {
  const user = ref<Me | null>(null)
  /** Whether the session has been probed once (so the router knows whether to wait). */
  const checked = ref(false)
  let restoring: Promise<void> | null = null

  const roles = computed(() => user.value?.roles ?? [])
  const isAdmin = computed(() => hasRole(roles.value, 'admin'))

  function accept(response: SessionResponse) {
    user.value = response.user
    api.setCsrfToken(response.csrf_token)
    checked.value = true
    useLocaleStore().adoptAccountLocale(response.user.locale)
  }

  function clear() {
    user.value = null
    api.setCsrfToken('')
    checked.value = true
  }

  /** Asks the server whether a session cookie is there; resolves either way. */
  function restore(): Promise<void> {
    if (!restoring) {
      restoring = authApi
        .me()
        .then(accept)
        .catch(() => clear())
        .finally(() => {
          restoring = null
        })
    }
    return restoring
  }

  async function login(username: string, password: string) {
    accept(await authApi.login(username, password))
  }

  async function logout() {
    try {
      await authApi.logout()
    } finally {
      clear()
    }
  }

  function can(action: Action, agencyId?: number | null, parentOf?: ParentLookup): boolean {
    return canDo(roles.value, action, agencyId, parentOf)
  }

  return { user, checked, roles, isAdmin, accept, clear, restore, login, logout, can }
})
