import type { AppModule } from '../types'

export const usersModule: AppModule = {
  name: 'users',
  routes: [
    { path: '/users', name: 'users', component: () => import('./pages/UsersPage.vue'), meta: { titleKey: 'users.title', action: 'users.manage' } },
    { path: '/users/new', name: 'user-new', component: () => import('./pages/UserFormPage.vue'), meta: { titleKey: 'users.newTitle', action: 'users.manage' } },
    { path: '/users/:id(\\d+)/edit', name: 'user-edit', component: () => import('./pages/UserFormPage.vue'), props: (r) => ({ id: Number(r.params.id) }), meta: { titleKey: 'users.editTitle', action: 'users.manage' } },
  ],
  // Shown to admins only, just above the audit log.
  nav: [{ key: 'users', order: 85, items: [{ to: '/users', labelKey: 'users.nav', testid: 'nav-users', icon: 'users', action: 'users.manage' }] }],
}
