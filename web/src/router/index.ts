// Routes of all modules, the session guard, and the 401 → login redirect.
import { createRouter, createWebHistory } from 'vue-router'
import { api } from '@/api/client'
import { moduleRoutes } from '@/modules'
import { useSessionStore } from '@/stores/session'
import { useAgencyIndexStore } from '@/stores/agencies'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    ...moduleRoutes,
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/pages/NotFoundPage.vue'), meta: { titleKey: 'notFound.title' } },
  ],
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  const session = useSessionStore()
  if (!session.checked) await session.restore()
  if (to.meta.public) {
    if (to.name === 'login' && session.user) return { name: 'dashboard' }
    return true
  }
  if (!session.user) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (to.meta.action && !session.can(to.meta.action)) return { name: 'not-found', params: { pathMatch: to.path.slice(1).split('/') } }
  return true
})

/** Any 401 after login means the session ended: forget it and go to the login page. */
export function installSessionExpiry() {
  api.setUnauthenticatedHandler(() => {
    const session = useSessionStore()
    const wasSignedIn = !!session.user
    session.clear()
    useAgencyIndexStore().reset()
    const current = router.currentRoute.value
    if (current.meta.public) return
    void router.push({ name: 'login', query: { redirect: current.fullPath, ...(wasSignedIn ? { expired: '1' } : {}) } })
  })
}
